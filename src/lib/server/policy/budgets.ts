import type { Kysely } from 'kysely';
import type { LimitInput } from '$lib/schemas/limits';
import type { Rollover } from '$lib/schemas/budget-terms';
import type { DB, Limit } from '../db/schema';
import * as creators from '../creators';
import * as limits from './limits';
import { lockedMessage } from './limit-words';
import { readThresholds } from '$lib/schemas/budget-terms';
import { inTransaction } from '../db/transaction';

// Budgets are the limits people set on themselves. Tightening takes effect at once; raising or
// removing one waits a cool-off, so an impulse at 2 a.m. cannot undo a budget set with a clear head.
export const COOL_OFF = 24 * 60 * 60_000;

export class BudgetError extends Error {
	constructor(
		readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'NOTHING_WAITING',
		message: string
	) {
		super(message);
	}
}

const strength = { warn: 0, approval: 1, block: 2 } as const;

/** A limit as the page and the API change it: its terms, and the settings around them. */
export type BudgetInput = LimitInput & {
	alertThresholds?: readonly number[];
	/** Undefined: keep the current rollover; null: none. */
	rollover?: Rollover | null;
};

/** The most a rollover can ever add to a period (0 without one). */
function carryCap(amount: number, rollover: Rollover | null): number {
	if (!rollover || (rollover.percent === null && rollover.amount === null)) return 0;
	return Math.min(
		rollover.percent === null ? Infinity : Math.floor((amount * rollover.percent) / 100),
		rollover.amount ?? Infinity
	);
}

function rolloverOf(limit: Limit): Rollover | null {
	return limit.rollover_percent === null && limit.rollover_amount === null
		? null
		: { percent: limit.rollover_percent, amount: limit.rollover_amount };
}

/** True when `next` allows nothing that `current` refused (alert shares are not limits). */
export function isTightening(current: Limit, next: BudgetInput): boolean {
	const rollover = next.rollover === undefined ? rolloverOf(current) : next.rollover;
	return (
		current.applies_to === next.appliesTo &&
		current.metric === next.metric &&
		current.period === next.period &&
		current.creator_id === next.creatorId &&
		next.amount <= current.amount &&
		strength[next.action] >= strength[current.action] &&
		next.amount + carryCap(next.amount, rollover) <=
			current.amount + carryCap(current.amount, rolloverOf(current))
	);
}

async function ownEditable(db: Kysely<DB>, accountId: string, limitId: string): Promise<Limit> {
	const current = await limits.get(db, accountId, limitId);
	if (!current) throw new BudgetError('NOT_FOUND', 'No such limit on your account.');
	if (current.set_by !== 'self') throw new BudgetError('FORBIDDEN', lockedMessage(current.set_by));
	return current;
}

export async function add(
	db: Kysely<DB>,
	account: { id: string; currency: string },
	input: BudgetInput,
	now: number
): Promise<Limit> {
	return limits.add(
		db,
		account.id,
		{ ...input, currency: input.metric === 'money' ? account.currency : null },
		{ role: 'self', accountId: account.id },
		now
	);
}

/**
 * Replaces a limit: at once when tighter, after the cool-off when looser. A change still
 * waiting out its cool-off is changed again against the limit in force it replaces, so editing
 * a scheduled raise never brings it forward.
 */
export async function change(
	db: Kysely<DB>,
	account: { id: string; currency: string },
	limitId: string,
	input: BudgetInput,
	now: number
): Promise<{ limit: Limit; effectiveAt: number }> {
	let current = await ownEditable(db, account.id, limitId);
	// Compared with the stored limit as it will be stored: by the creator's id, not a spelling.
	if (input.creatorId)
		input = { ...input, creatorId: await creators.canonical(db, input.creatorId) };
	if (current.effective_at > now && current.replaces_id) {
		await cancel(db, account.id, current.id, now);
		current = await ownEditable(db, account.id, current.replaces_id);
	}
	const effectiveAt =
		isTightening(current, input) || current.effective_at > now ? now : now + COOL_OFF;
	const limit = await limits.replace(
		db,
		current,
		{
			...input,
			alertThresholds: input.alertThresholds ?? readThresholds(current.alert_thresholds),
			rollover: input.rollover === undefined ? rolloverOf(current) : input.rollover,
			currency: input.metric === 'money' ? account.currency : null
		},
		{ role: 'self', accountId: account.id },
		now,
		effectiveAt
	);
	return { limit, effectiveAt };
}

/**
 * Cancels a raise or removal still waiting out its cool-off: the waiting limit is dropped (it
 * never took effect) and the limit it would have replaced stays, with no end.
 */
export async function cancel(
	db: Kysely<DB>,
	accountId: string,
	limitId: string,
	now: number
): Promise<{ kept: Limit }> {
	const limit = await ownEditable(db, accountId, limitId);
	return inTransaction(db, async (trx) => {
		// A limit whose removal waits may have a raise waiting to replace it: that is cancelled.
		const waiting =
			limit.effective_at > now
				? limit
				: await trx
						.selectFrom('limits')
						.selectAll()
						.where('replaces_id', '=', limit.id)
						.where('effective_at', '>', now)
						.where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
						.executeTakeFirst();
		let kept: Limit | undefined;
		if (waiting) {
			await trx.updateTable('limits').set({ ends_at: now }).where('id', '=', waiting.id).execute();
			if (waiting.replaces_id) {
				kept = await trx
					.updateTable('limits')
					.set({ ends_at: null })
					.where('id', '=', waiting.replaces_id)
					.where('ends_at', '=', waiting.effective_at)
					.returningAll()
					.executeTakeFirst();
			}
		} else if (limit.ends_at !== null && limit.ends_at > now) {
			kept = await trx
				.updateTable('limits')
				.set({ ends_at: null })
				.where('id', '=', limit.id)
				.returningAll()
				.executeTakeFirstOrThrow();
		}
		if (!kept && !waiting) {
			throw new BudgetError(
				'NOTHING_WAITING',
				'Nothing is waiting to change on this limit: it stays as it is.'
			);
		}
		await limits.recordCancel(trx, accountId, waiting ?? null, kept ?? null, now);
		return { kept: kept ?? limit };
	});
}

/** Removes a limit after the cool-off (at once if it had not taken effect yet). */
export async function remove(
	db: Kysely<DB>,
	accountId: string,
	limitId: string,
	now: number
): Promise<{ endsAt: number }> {
	const current = await ownEditable(db, accountId, limitId);
	const endsAt =
		current.effective_at > now ? now : Math.min(current.ends_at ?? Infinity, now + COOL_OFF);
	await limits.end(db, current.id, endsAt, { accountId, now });
	return { endsAt };
}
