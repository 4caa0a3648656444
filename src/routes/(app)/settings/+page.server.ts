import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as accounts from '$lib/server/accounts';
import * as sessions from '$lib/server/auth/sessions';
import { describeDevice } from '$lib/server/auth/device';
import { invalid, readForm, unreadable } from '$lib/server/forms';
import { changePassword } from '$lib/schemas/account';

export const load = (async ({ locals }) => {
	const rows = await sessions.listActive(appDatabase().db, locals.user!.id);
	return {
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
	endSession: async ({ request, locals }) => {
		const form = await readForm(request, ['sessionId']);
		if (!form) return unreadable();
		if (form.sessionId === locals.session?.id) {
			return fail(400, { message: 'To end this session, log out instead.' });
		}
		const ended = await sessions.destroyOwned(appDatabase().db, locals.user!.id, form.sessionId!);
		if (!ended) return fail(404, { message: 'That session has already ended.' });
		return { ok: true as const, message: 'Session ended. That device is logged out.' };
	},
	changePassword: async ({ request, locals }) => {
		const form = await readForm(request, ['currentPassword', 'newPassword']);
		if (!form) return unreadable();
		const parsed = changePassword.safeParse(form);
		if (!parsed.success) return invalid(parsed.error);
		const { db } = appDatabase();
		const { currentPassword, newPassword } = parsed.data;
		const changed = await accounts.changePassword(
			db,
			locals.user!.id,
			currentPassword,
			newPassword
		);
		if (!changed) {
			return fail(400, { message: 'The current password is wrong.', field: 'currentPassword' });
		}
		await sessions.destroyAllExcept(db, locals.user!.id, locals.session!.id);
		return {
			ok: true as const,
			message: 'Password changed. Every other session has been logged out.'
		};
	}
} satisfies Actions;
