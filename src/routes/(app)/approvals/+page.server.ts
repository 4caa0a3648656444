import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { decideInput } from '$lib/schemas/approvals';
import * as access from '$lib/server/access';
import { appDatabase } from '$lib/server/app';
import * as approvals from '$lib/server/approvals';
import { PurchaseError } from '$lib/server/ledger/errors';
import { asText, describe } from '$lib/server/policy/limit-words';
import { invalid, readForm, unreadable } from '$lib/server/forms';

const STATUS = { NOT_FOUND: 404, CONFLICT: 409, TOO_MANY_REQUESTS: 429 } as const;

/** A limit as the page says it, in the reader's locale: "At most 5,000 coins bought per month — block". */
function words(limit: approvals.PendingRequest['context']['limits'][number], locale: string) {
	return asText(
		describe(
			{
				applies_to: limit.appliesTo,
				metric: limit.metric,
				period: limit.period,
				amount: limit.amount,
				currency: limit.currency,
				action: limit.action,
				creator_id: limit.creatorId
			},
			limit.creatorId ? { name: limit.creatorId, handle: null } : null,
			locale
		)
	);
}

export const load = (async ({ locals }) => {
	const { db } = appDatabase();
	const actor = await access.userActor(db, locals.user!);
	const now = Date.now();
	const [pending, recent] = await Promise.all([
		approvals.pending(db, actor, now),
		approvals.recent(db, actor, now)
	]);
	return {
		role: actor.family?.role === 'guardian' ? ('guardian' as const) : ('self' as const),
		pending: pending.map((r) => ({
			...r,
			context: {
				...r.context,
				limits: r.context.limits.map((l) => ({ ...l, words: words(l, locals.user!.locale) }))
			}
		})),
		recent
	};
}) satisfies PageServerLoad;

export const actions = {
	decide: async ({ request, locals }) => {
		const form = await readForm(request, ['approvalId', 'decision', 'note']);
		if (!form) return unreadable();
		const parsed = decideInput.safeParse(form);
		if (!parsed.success) return invalid(parsed.error, { note: form.note! });
		const database = appDatabase();
		const actor = await access.userActor(database.db, locals.user!);
		try {
			const decided = await approvals.decide(database, actor, parsed.data);
			return {
				approvalId: decided.approvalId,
				message:
					decided.status === 'approved'
						? 'Approved: the purchase can go through now.'
						: 'Denied: the purchase was declined.'
			};
		} catch (error) {
			if (error instanceof PurchaseError) {
				// Not yours and unknown answer alike: nothing was changed either way.
				const message =
					error.code === 'NOT_FOUND' ? 'Not found: nothing was changed.' : error.message;
				return fail(STATUS[error.code], {
					approvalId: parsed.data.approvalId,
					message,
					values: { note: form.note! }
				});
			}
			throw error;
		}
	}
} satisfies Actions;
