import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import * as access from '$lib/server/access';
import * as accounts from '$lib/server/accounts';
import { appDatabase } from '$lib/server/app';
import { readForm, unreadable } from '$lib/server/forms';
import * as budgetPage from '$lib/server/policy/budget-page';
import { parseGiftConfirm, SETTING_FIELDS } from '$lib/server/policy/budget-settings';

/** Whether the user has a guardian to ask: only then are "ask a guardian" limits offered. */
async function canAskGuardian(locals: App.Locals): Promise<boolean> {
	const actor = await access.userActor(appDatabase().db, locals.user!);
	return actor.isMinor && actor.family !== null;
}

export const load = (async ({ locals }) => {
	const { db } = appDatabase();
	const now = Date.now();
	const [limits, ask, giftConfirmOver] = await Promise.all([
		budgetPage.list(db, locals.user!, now),
		canAskGuardian(locals),
		accounts.giftConfirmOver(db, locals.user!.id)
	]);
	return { limits, canAskGuardian: ask, giftConfirmOver, now };
}) satisfies PageServerLoad;

export const actions = {
	add: async ({ request, locals }) => {
		const form = await readForm(request, [...budgetPage.FIELDS, ...SETTING_FIELDS]);
		if (!form) return unreadable();
		const result = await budgetPage.add(
			appDatabase().db,
			locals.user!,
			form,
			Date.now(),
			await canAskGuardian(locals)
		);
		if ('message' in result) return fail(400, { ...result, values: form });
		return { added: true as const, over: result.over };
	},
	change: async ({ request, locals }) => {
		const form = await readForm(request, budgetPage.EDIT_FIELDS);
		if (!form) return unreadable();
		const now = Date.now();
		const result = await budgetPage.edit(
			appDatabase().db,
			locals.user!,
			form,
			now,
			await canAskGuardian(locals)
		);
		if ('message' in result) {
			return fail(400, { editFailure: { ...result, limitId: form.limitId! }, edited: form });
		}
		return {
			changed: { atOnce: result.effectiveAt <= now, effectiveAt: result.effectiveAt },
			over: result.over
		};
	},
	cancel: async ({ request, locals }) => {
		const form = await readForm(request, ['limitId']);
		if (!form) return unreadable();
		const result = await budgetPage.cancel(
			appDatabase().db,
			locals.user!,
			form.limitId!,
			Date.now()
		);
		if ('message' in result) return fail(400, { message: result.message });
		return { cancelled: true as const };
	},
	remove: async ({ request, locals }) => {
		const form = await readForm(request, ['limitId']);
		if (!form) return unreadable();
		const now = Date.now();
		const result = await budgetPage.remove(appDatabase().db, locals.user!, form.limitId!, now);
		if ('message' in result) return fail(400, { message: result.message });
		return { removed: { endsAt: result.endsAt, atOnce: result.endsAt <= now } };
	},
	giftConfirm: async ({ request, locals }) => {
		const form = await readForm(request, ['giftConfirmOver']);
		if (!form) return unreadable();
		const parsed = parseGiftConfirm(form.giftConfirmOver!);
		if ('message' in parsed) {
			return fail(400, { confirmFailure: parsed.message, confirmValue: form.giftConfirmOver! });
		}
		await accounts.setGiftConfirmOver(appDatabase().db, locals.user!.id, parsed.value);
		return { confirmSaved: parsed.value };
	}
} satisfies Actions;
