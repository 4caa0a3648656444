import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as accounts from '$lib/server/accounts';
import * as apiKeys from '$lib/server/auth/api-keys';
import * as endings from '$lib/server/auth/endings';
import * as sessions from '$lib/server/auth/sessions';
import * as throttle from '$lib/server/auth/throttle';
import { describeDevice } from '$lib/server/auth/device';
import { invalid, readForm, sectionInvalid, unreadable } from '$lib/server/forms';
import { changePassword } from '$lib/schemas/account';
import { locale, localeChoices, localeLabel } from '$lib/schemas/locale';

const keyName = z
	.string()
	.trim()
	.min(1, { error: 'Give the key a name, such as "My recharge script".' })
	.max(100, { error: 'Keep the name to 100 characters.' });

export const load = (async ({ locals }) => {
	const { db } = appDatabase();
	const [rows, keys] = await Promise.all([
		sessions.listActive(db, locals.user!.id),
		apiKeys.list(db, locals.user!.id)
	]);
	return {
		locales: localeChoices(locals.user!.locale),
		apiKeys: keys.map((k) => ({
			id: k.id,
			name: k.name,
			prefix: k.key_prefix,
			createdAt: k.created_at,
			lastUsedAt: k.last_used_at,
			revokedAt: k.revoked_at
		})),
		sessions: rows.map((s) => ({
			id: s.id,
			device: describeDevice(s.user_agent),
			ip: s.ip,
			createdAt: s.created_at,
			lastUsedAt: s.last_used_at,
			current: s.id === locals.session?.id
		}))
	};
}) satisfies PageServerLoad;

export const actions = {
	setLocale: async ({ request, locals }) => {
		const form = await readForm(request, ['locale']);
		if (!form) return unreadable();
		const parsed = locale.safeParse(form.locale);
		if (!parsed.success) return sectionInvalid('locale', parsed.error, { locale: form.locale! });
		// The signed-in account's own setting: the guard in `handle` makes sure there is one.
		await accounts.setLocale(appDatabase().db, locals.user!.id, parsed.data);
		// The page this answer renders (without JavaScript) is loaded in this same request.
		locals.user!.locale = parsed.data;
		return {
			ok: true as const,
			message: `Language and number format saved: ${localeLabel(parsed.data)}.`
		};
	},
	endSession: async ({ request, locals }) => {
		const form = await readForm(request, ['sessionId']);
		if (!form) return unreadable();
		if (form.sessionId === locals.session?.id) {
			return fail(400, {
				section: 'sessions' as const,
				message: 'To end this session, log out instead.'
			});
		}
		const ended = await endings.endOne(appDatabase().db, locals.user!.id, form.sessionId!);
		if (!ended) {
			return fail(404, {
				section: 'sessions' as const,
				message: 'That session has already ended.'
			});
		}
		return { ok: true as const, message: 'Session ended. That device is logged out.' };
	},
	changePassword: async ({ request, locals }) => {
		const form = await readForm(request, ['currentPassword', 'newPassword']);
		if (!form) return unreadable();
		const parsed = changePassword.safeParse(form);
		if (!parsed.success) return invalid(parsed.error);
		const { db } = appDatabase();
		const { currentPassword, newPassword } = parsed.data;
		const result = await accounts.changePassword(db, locals.user!.id, currentPassword, newPassword);
		if (!result.ok) {
			if (result.reason === 'throttled') {
				return fail(429, {
					message: throttle.tooManyAttempts(result.retryAfterMinutes),
					field: 'currentPassword'
				});
			}
			return fail(400, { message: 'The current password is wrong.', field: 'currentPassword' });
		}
		// Whoever knew the old password may hold a session or a personal key: both end here.
		await endings.revokeOthers(db, locals.user!.id, locals.session!.id);
		// The password was just typed: sensitive changes need not ask for it again for a while.
		await sessions.passwordEntered(db, locals.session!.id);
		const revoked = await apiKeys.revokeOwnedBy(db, locals.user!.id);
		const keys =
			revoked === 0 ? '' : ` and ${revoked} API key${revoked === 1 ? ' was' : 's were'} revoked`;
		return {
			ok: true as const,
			message: `Password changed. Every other session has been logged out${keys}.`
		};
	},
	createKey: async ({ request, locals }) => {
		const form = await readForm(request, ['name']);
		if (!form) return unreadable();
		const name = keyName.safeParse(form.name);
		if (!name.success) return sectionInvalid('apiKeys', name.error, { name: form.name! });
		// A personal key: read-only, for this account's own reports (never purchases).
		const { key } = await apiKeys.create(appDatabase().db, name.data, {
			ownerId: locals.user!.id
		});
		return { section: 'apiKeys' as const, created: { name: name.data, key } };
	},
	revokeKey: async ({ request, locals }) => {
		const form = await readForm(request, ['keyId']);
		if (!form) return unreadable();
		const { db } = appDatabase();
		// Looked up among the account's own keys for the name in the message; revoke checks the owner too.
		const own = (await apiKeys.list(db, locals.user!.id)).find((k) => k.id === form.keyId);
		if (!own) {
			return fail(404, {
				section: 'apiKeys' as const,
				message: 'No such API key on your account.'
			});
		}
		await apiKeys.revoke(db, own.id, locals.user!.id);
		return {
			section: 'apiKeys' as const,
			revoked: `API key "${own.name}" revoked. Calls that use it are refused from now on.`
		};
	}
} satisfies Actions;
