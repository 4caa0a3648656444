import type { Kysely } from 'kysely';
import {
	LIMIT_COLUMNS,
	type DB,
	type Limit,
	type LimitAction,
	type LimitMetric,
	type LimitPeriod,
	type LimitSetter,
	type PurchaseKind
} from '../db/schema';
import * as creators from '../creators';
import { template } from '../db/template';
import { inTransaction } from '../db/transaction';
import * as audit from '../family/audit';
import { newId } from '../ids';
import type { LimitRule } from './decide';
import { asText, describe } from './limit-words';
import { readThresholds, storeThresholds, type Rollover } from '$lib/schemas/budget-terms';
import { DEFAULT_LOCALE } from '$lib/schemas/locale';

export function toRule(limit: Limit): LimitRule {
	return {
		id: limit.id,
		appliesTo: limit.applies_to,
		metric: limit.metric,
		period: limit.period,
		amount: limit.amount,
		currency: limit.currency,
		creatorId: limit.creator_id,
		action: limit.action,
		rollover:
			limit.rollover_percent !== null || limit.rollover_amount !== null
				? { percent: limit.rollover_percent, amount: limit.rollover_amount }
				: null,
		alertThresholds: readThresholds(limit.alert_thresholds)
	};
}

const activeQuery = template((db, args: { accountId: string; kind: PurchaseKind; now: number }) =>
	db
		.selectFrom('limits')
		.select(LIMIT_COLUMNS)
		.where('account_id', '=', args.accountId)
		.where('applies_to', '=', args.kind)
		.where('effective_at', '<=', args.now)
		.where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', args.now)]))
);

/** The limits in force at `now` for one kind of purchase. */
export async function active(
	db: Kysely<DB>,
	accountId: string,
	kind: PurchaseKind,
	now: number
): Promise<LimitRule[]> {
	const { rows } = await activeQuery.execute(db, { accountId, kind, now });
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
	/** Defaults: alerts at 50, 80 and 100 %, no rollover. */
	alertThresholds?: readonly number[];
	rollover?: Rollover | null;
}

/** Who changes a limit: the role it is set as, and the account acting (null: the operator). */
export interface SetBy {
	role: LimitSetter;
	accountId: string | null;
}

async function insert(
	db: Kysely<DB>,
	accountId: string,
	limit: NewLimit,
	setBy: SetBy,
	now: number,
	effectiveAt: number,
	replaces: string | null = null
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
			ends_at: null,
			...(limit.alertThresholds
				? { alert_thresholds: storeThresholds(limit.alertThresholds) }
				: {}),
			rollover_percent: limit.rollover?.percent ?? null,
			rollover_amount: limit.rollover?.amount ?? null,
			replaces_id: replaces
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** A limit as the audit log keeps it: in words (a later rewording leaves old entries alone). */
async function snapshot(db: Kysely<DB>, limit: Limit) {
	const creator = limit.creator_id
		? await db
				.selectFrom('creators')
				.select(['display_name as name', 'handle'])
				.where('id', '=', limit.creator_id)
				.executeTakeFirst()
		: undefined;
	// Kept as words for every reader of the log, so in one format: en-US, as the API speaks.
	const words = describe(
		limit,
		limit.creator_id ? (creator ?? { name: limit.creator_id, handle: null }) : null,
		DEFAULT_LOCALE
	);
	return { limit: asText(words), setBy: limit.set_by };
}

// Each change is recorded in the family's audit log when the account is in a family, in the
// caller's transaction when it passes one: every caller (budgets, guardian controls, the CLI)
// goes through these functions, so none can change a family member's limits unrecorded.

/** Adds a limit, in force from `effectiveAt` (a raise waits out its cool-off). */
export async function add(
	db: Kysely<DB>,
	accountId: string,
	limit: NewLimit,
	setBy: SetBy,
	now: number,
	effectiveAt = now
): Promise<Limit> {
	return inTransaction(db, async (trx) => {
		const added = await insert(trx, accountId, limit, setBy, now, effectiveAt);
		await audit.recordForAccount(trx, accountId, {
			actorId: setBy.accountId,
			action: effectiveAt > now ? 'limit.raise_scheduled' : 'limit.added',
			subjectId: accountId,
			before: null,
			after: { ...(await snapshot(trx, added)), effectiveAt },
			at: now
		});
		return added;
	});
}

/**
 * Replaces `current` with `next`: the old one ends and the new one starts at `effectiveAt`
 * (now for a tightening, after the cool-off for a raise). One audit entry, with both.
 */
export async function replace(
	db: Kysely<DB>,
	current: Limit,
	next: NewLimit,
	setBy: SetBy,
	now: number,
	effectiveAt = now
): Promise<Limit> {
	return inTransaction(db, async (trx) => {
		await trx
			.updateTable('limits')
			.set({ ends_at: effectiveAt })
			.where('id', '=', current.id)
			.execute();
		const added = await insert(
			trx,
			current.account_id,
			next,
			setBy,
			now,
			effectiveAt,
			effectiveAt > now ? current.id : null
		);
		await audit.recordForAccount(trx, current.account_id, {
			actorId: setBy.accountId,
			action: effectiveAt > now ? 'limit.raise_scheduled' : 'limit.changed',
			subjectId: current.account_id,
			before: await snapshot(trx, current),
			after: { ...(await snapshot(trx, added)), effectiveAt },
			at: now
		});
		return added;
	});
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

/**
 * Ends a limit at `at` (now, or after a cool-off). `by` is who removes it, for the audit log:
 * the account acting (null: the operator) and the time of the change.
 */
export async function end(
	db: Kysely<DB>,
	limitId: string,
	at: number,
	by: { accountId: string | null; now?: number } = { accountId: null }
): Promise<void> {
	await inTransaction(db, async (trx) => {
		const ended = await trx
			.updateTable('limits')
			.set({ ends_at: at })
			.where('id', '=', limitId)
			.returningAll()
			.executeTakeFirst();
		if (!ended) return;
		const now = by.now ?? at;
		await audit.recordForAccount(trx, ended.account_id, {
			actorId: by.accountId,
			action: 'limit.removed',
			subjectId: ended.account_id,
			before: await snapshot(trx, ended),
			after: at > now ? { endsAt: at } : null,
			at: now
		});
	});
}

/** The audit entry of a cancelled raise or removal: the change dropped and the limit kept. */
export async function recordCancel(
	trx: Kysely<DB>,
	accountId: string,
	dropped: Limit | null,
	kept: Limit | null,
	now: number
): Promise<void> {
	await audit.recordForAccount(trx, accountId, {
		actorId: accountId,
		action: 'limit.change_cancelled',
		subjectId: accountId,
		before: dropped ? await snapshot(trx, dropped) : null,
		after: kept ? await snapshot(trx, kept) : null,
		at: now
	});
}
