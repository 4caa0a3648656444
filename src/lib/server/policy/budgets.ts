import type { Kysely } from 'kysely';
import type { LimitInput } from '$lib/schemas/limits';
import type { DB, Limit } from '../db/schema';
import * as creators from '../creators';
import * as limits from './limits';
import { lockedMessage } from './limit-words';

// Budgets are the limits people set on themselves. Tightening takes effect at once; raising or
// removing one waits a cool-off, so an impulse at 2 a.m. cannot undo a budget set with a clear head.
export const COOL_OFF = 24 * 60 * 60_000;

export class BudgetError extends Error {
	constructor(
		readonly code: 'NOT_FOUND' | 'FORBIDDEN',
		message: string
	) {
		super(message);
	}
}

const strength = { warn: 0, approval: 1, block: 2 } as const;

/** True when `next` allows nothing that `current` refused. */
export function isTightening(current: Limit, next: LimitInput): boolean {
	return (
		current.applies_to === next.appliesTo &&
		current.metric === next.metric &&
		current.period === next.period &&
		current.creator_id === next.creatorId &&
		next.amount <= current.amount &&
		strength[next.action] >= strength[current.action]
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
	input: LimitInput,
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

/** Replaces a limit: at once when tighter, after the cool-off when looser. */
export async function change(
	db: Kysely<DB>,
	account: { id: string; currency: string },
	limitId: string,
	input: LimitInput,
	now: number
): Promise<{ limit: Limit; effectiveAt: number }> {
	const current = await ownEditable(db, account.id, limitId);
	// Compared with the stored limit as it will be stored: by the creator's id, not a spelling.
	if (input.creatorId)
		input = { ...input, creatorId: await creators.canonical(db, input.creatorId) };
	const effectiveAt =
		isTightening(current, input) || current.effective_at > now ? now : now + COOL_OFF;
	const limit = await limits.replace(
		db,
		current,
		{ ...input, currency: input.metric === 'money' ? account.currency : null },
		{ role: 'self', accountId: account.id },
		now,
		effectiveAt
	);
	return { limit, effectiveAt };
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
