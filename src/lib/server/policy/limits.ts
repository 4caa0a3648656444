import type { Kysely } from 'kysely';
import type {
	DB,
	Limit,
	LimitAction,
	LimitMetric,
	LimitPeriod,
	LimitSetter,
	PurchaseKind
} from '../db/schema';
import * as creators from '../creators';
import { newId } from '../ids';
import type { LimitRule } from './decide';

export function toRule(limit: Limit): LimitRule {
	return {
		id: limit.id,
		appliesTo: limit.applies_to,
		metric: limit.metric,
		period: limit.period,
		amount: limit.amount,
		currency: limit.currency,
		creatorId: limit.creator_id,
		action: limit.action
	};
}

/** The limits in force at `now` for one kind of purchase. */
export async function active(
	db: Kysely<DB>,
	accountId: string,
	kind: PurchaseKind,
	now: number
): Promise<LimitRule[]> {
	const rows = await db
		.selectFrom('limits')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('applies_to', '=', kind)
		.where('effective_at', '<=', now)
		.where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
		.execute();
	return rows.map(toRule);
}

/** Every limit that is in force now or will be (raises waiting out their cool-off). */
export function list(db: Kysely<DB>, accountId: string, now: number): Promise<Limit[]> {
	return db
		.selectFrom('limits')
		.selectAll()
		.where('account_id', '=', accountId)
		.where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
		.orderBy('created_at')
		.execute();
}

export interface NewLimit {
	appliesTo: PurchaseKind;
	metric: LimitMetric;
	period: LimitPeriod;
	amount: number;
	currency: string | null;
	creatorId: string | null;
	action: LimitAction;
}

export async function add(
	db: Kysely<DB>,
	accountId: string,
	limit: NewLimit,
	setBy: { role: LimitSetter; accountId: string | null },
	now: number,
	effectiveAt = now
): Promise<Limit> {
	// The id a purchase naming this creator will carry, however the limit spelt it.
	const creatorId = limit.creatorId ? await creators.canonical(db, limit.creatorId) : null;
	return db
		.insertInto('limits')
		.values({
			id: newId('lim'),
			account_id: accountId,
			set_by: setBy.role,
			set_by_account_id: setBy.accountId,
			applies_to: limit.appliesTo,
			metric: limit.metric,
			period: limit.period,
			amount: limit.amount,
			currency: limit.metric === 'money' ? limit.currency : null,
			creator_id: creatorId,
			action: limit.action,
			created_at: now,
			effective_at: effectiveAt,
			ends_at: null
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

export function get(
	db: Kysely<DB>,
	accountId: string,
	limitId: string
): Promise<Limit | undefined> {
	return db
		.selectFrom('limits')
		.selectAll()
		.where('id', '=', limitId)
		.where('account_id', '=', accountId)
		.executeTakeFirst();
}

export async function end(db: Kysely<DB>, limitId: string, at: number): Promise<void> {
	await db.updateTable('limits').set({ ends_at: at }).where('id', '=', limitId).execute();
}
