import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { MAX_ALERT_THRESHOLDS, readThresholds } from '$lib/schemas/budget-terms';
import { limitInput } from '$lib/schemas/limits';
import { MAX_PRICE_MINOR } from '$lib/schemas/purchase';
import * as budgets from '../policy/budgets';
import * as limits from '../policy/limits';
import { authedProcedure, router } from './init';

const limitId = z.string().min(1).max(64);

/** The settings around a limit: alert shares and a capped rollover (both optional). */
const settings = {
	alertThresholds: z
		.array(
			z
				.number()
				.int({ error: 'alertThresholds: whole per cents, 1 to 100.' })
				.min(1, { error: 'alertThresholds: whole per cents, 1 to 100.' })
				.max(100, { error: 'alertThresholds: whole per cents, 1 to 100.' })
		)
		.max(MAX_ALERT_THRESHOLDS, {
			error: `alertThresholds: at most ${MAX_ALERT_THRESHOLDS} shares.`
		})
		.transform((values) => [...new Set(values)].sort((a, b) => a - b))
		.optional(),
	rollover: z
		.object({
			percent: z.number().int().min(0).max(100).nullable(),
			amount: z.number().int().min(0).max(MAX_PRICE_MINOR).nullable()
		})
		.nullable()
		.optional()
};

async function asTrpc<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof budgets.BudgetError)
			throw new TRPCError({
				code: error.code === 'NOTHING_WAITING' ? 'CONFLICT' : error.code,
				message: error.message
			});
		throw error;
	}
}

export const budgetsRouter = router({
	list: authedProcedure.query(async ({ ctx }) => {
		const now = Date.now();
		const rows = await limits.list(ctx.database.db, ctx.user.id, now);
		return rows.map((l) => ({
			id: l.id,
			appliesTo: l.applies_to,
			metric: l.metric,
			period: l.period,
			amount: l.amount,
			currency: l.currency,
			creatorId: l.creator_id,
			action: l.action,
			setBy: l.set_by,
			effectiveAt: new Date(l.effective_at).toISOString(),
			endsAt: l.ends_at === null ? null : new Date(l.ends_at).toISOString(),
			alertThresholds: readThresholds(l.alert_thresholds),
			rollover:
				l.rollover_percent === null && l.rollover_amount === null
					? null
					: { percent: l.rollover_percent, amount: l.rollover_amount }
		}));
	}),
	set: authedProcedure
		.input(limitInput.and(z.object(settings)))
		.mutation(async ({ ctx, input }) => {
			const limit = await budgets.add(ctx.database.db, ctx.user, input, Date.now());
			return { limitId: limit.id };
		}),
	change: authedProcedure
		.input(z.object({ limitId, limit: limitInput.and(z.object(settings)) }))
		.mutation(({ ctx, input }) =>
			asTrpc(async () => {
				const { limit, effectiveAt } = await budgets.change(
					ctx.database.db,
					ctx.user,
					input.limitId,
					input.limit,
					Date.now()
				);
				return { limitId: limit.id, effectiveAt: new Date(effectiveAt).toISOString() };
			})
		),
	remove: authedProcedure.input(z.object({ limitId })).mutation(({ ctx, input }) =>
		asTrpc(async () => {
			const { endsAt } = await budgets.remove(
				ctx.database.db,
				ctx.user.id,
				input.limitId,
				Date.now()
			);
			return { endsAt: new Date(endsAt).toISOString() };
		})
	),
	/** Drops a raise or removal still waiting out its cool-off; the limit in force stays. */
	cancel: authedProcedure.input(z.object({ limitId })).mutation(({ ctx, input }) =>
		asTrpc(async () => {
			const { kept } = await budgets.cancel(
				ctx.database.db,
				ctx.user.id,
				input.limitId,
				Date.now()
			);
			return { limitId: kept.id };
		})
	)
});
