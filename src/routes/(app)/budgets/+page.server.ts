import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import * as access from '$lib/server/access';
import { appDatabase } from '$lib/server/app';
import { readForm, unreadable } from '$lib/server/forms';
import * as budgetPage from '$lib/server/policy/budget-page';

/** Whether the user has a guardian to ask: only then are "ask a guardian" limits offered. */
async function canAskGuardian(locals: App.Locals): Promise<boolean> {
	const actor = await access.userActor(appDatabase().db, locals.user!);
	return actor.isMinor && actor.family !== null;
}

export const load = (async ({ locals }) => ({
	limits: await budgetPage.list(appDatabase().db, locals.user!, Date.now()),
	canAskGuardian: await canAskGuardian(locals)
})) satisfies PageServerLoad;

export const actions = {
	add: async ({ request, locals }) => {
		const form = await readForm(request, budgetPage.FIELDS);
		if (!form) return unreadable();
		const result = await budgetPage.add(
			appDatabase().db,
			locals.user!,
			form,
			Date.now(),
			await canAskGuardian(locals)
		);
		if ('message' in result) return fail(400, { ...result, values: form });
		return { added: true as const };
	},
	remove: async ({ request, locals }) => {
		const form = await readForm(request, ['limitId']);
		if (!form) return unreadable();
		const now = Date.now();
		const result = await budgetPage.remove(appDatabase().db, locals.user!, form.limitId!, now);
		if ('message' in result) return fail(400, { message: result.message });
		return { removed: { endsAt: result.endsAt, atOnce: result.endsAt <= now } };
	}
} satisfies Actions;
