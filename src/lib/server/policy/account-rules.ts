import type { Kysely } from 'kysely';
import { CALENDAR_PERIODS, type CalendarPeriod } from '$lib/schemas/limits';
import { CHANNELS, type PurchaseKind } from '$lib/schemas/purchase';
import {
	MINOR_RULES,
	NO_RULES,
	type AccountRules,
	type StandingApprovalInput,
	type StandingRule
} from '$lib/schemas/rules';
import type { AccountRulesRow, DB, StandingApproval } from '../db/schema';
import * as creators from '../creators';
import { newId } from '../ids';
import * as limits from './limits';
import { periodKey, type PeriodWindows } from './decide';

// The rules of an account that are not amounts per period, and a guardian's standing approvals:
// stored here, decided by the pure `decide()`.

type RulesColumns = Pick<
	AccountRulesRow,
	'purchases_blocked' | 'gifting_allowed' | 'channels' | 'quiet_start' | 'quiet_end'
>;

/** The rules a row says, or NO_RULES for an account without a row (`channels` null). */
export function fromRow(row: { [K in keyof RulesColumns]: RulesColumns[K] | null }): AccountRules {
	if (row.channels === null) return NO_RULES;
	const listed = row.channels.split(',');
	return {
		purchasesBlocked: row.purchases_blocked === 1,
		giftingAllowed: row.gifting_allowed === 1,
		channels: CHANNELS.filter((c) => listed.includes(c)),
		quietHours:
			row.quiet_start === null || row.quiet_end === null
				? null
				: { start: row.quiet_start, end: row.quiet_end }
	};
}

function toRow(rules: AccountRules): RulesColumns {
	return {
		purchases_blocked: rules.purchasesBlocked ? 1 : 0,
		gifting_allowed: rules.giftingAllowed ? 1 : 0,
		channels: rules.channels.join(','),
		quiet_start: rules.quietHours?.start ?? null,
		quiet_end: rules.quietHours?.end ?? null
	};
}

export async function get(db: Kysely<DB>, accountId: string): Promise<AccountRules> {
	const row = await db
		.selectFrom('account_rules')
		.selectAll()
		.where('account_id', '=', accountId)
		.executeTakeFirst();
	return row ? fromRow(row) : NO_RULES;
}

export async function save(
	db: Kysely<DB>,
	accountId: string,
	rules: AccountRules,
	by: string | null,
	now: number
): Promise<void> {
	const values = { ...toRow(rules), updated_at: now, updated_by: by };
	await db
		.insertInto('account_rules')
		.values({ account_id: accountId, ...values })
		.onConflict((oc) => oc.column('account_id').doUpdateSet(values))
		.execute();
}

/**
 * A new minor's safe start: MINOR_RULES, and every recharge waiting for a guardian (an approval
 * limit of 0 coins per purchase that only a guardian can remove).
 */
export async function startSafe(db: Kysely<DB>, accountId: string, now: number): Promise<void> {
	await save(db, accountId, MINOR_RULES, null, now);
	await limits.add(db, accountId, EVERY_RECHARGE, { role: 'guardian', accountId: null }, now);
}

/** The limit that sends every purchase of a kind to a guardian. */
export const everyPurchase = (kind: PurchaseKind) =>
	({
		appliesTo: kind,
		metric: 'coins',
		period: 'purchase',
		amount: 0,
		currency: null,
		creatorId: null,
		action: 'approval'
	}) as const;
const EVERY_RECHARGE = everyPurchase('recharge');

/** Whether a limit is the "every purchase needs approval" one. */
export function isEveryPurchase(limit: {
	period: string;
	amount: number;
	action: string;
	creator_id: string | null;
	metric: string;
}): boolean {
	return (
		limit.period === 'purchase' &&
		limit.amount === 0 &&
		limit.action === 'approval' &&
		limit.metric === 'coins' &&
		limit.creator_id === null
	);
}

// Standing approvals.

export function standingList(db: Kysely<DB>, accountId: string): Promise<StandingApproval[]> {
	return db
		.selectFrom('standing_approvals')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('ended_at', 'is', null)
		.orderBy('created_at')
		.execute();
}

/** The account's standing approvals for one kind, each with the coins it passed this period. */
export async function standingFor(
	db: Kysely<DB>,
	accountId: string,
	kind: PurchaseKind,
	windows: PeriodWindows
): Promise<StandingRule[]> {
	const keys = Object.fromEntries(
		CALENDAR_PERIODS.map((p) => [p, periodKey(p, windows[p])])
	) as Record<CalendarPeriod, string>;
	const rows = await db
		.selectFrom('standing_approvals as s')
		.leftJoin('authorizations as a', (join) =>
			join
				.onRef('a.standing_approval_id', '=', 's.id')
				.on('a.status', 'in', ['held', 'captured'])
				.on((eb) =>
					eb.or([
						eb.and([eb('s.period', '=', 'day'), eb('a.day_key', '=', keys.day)]),
						eb.and([eb('s.period', '=', 'week'), eb('a.week_key', '=', keys.week)]),
						eb.and([eb('s.period', '=', 'month'), eb('a.month_key', '=', keys.month)])
					])
				)
		)
		.select((eb) => [
			's.id',
			's.applies_to',
			's.period',
			's.coins',
			's.creator_ids',
			eb.fn.coalesce(eb.fn.sum<number | string>('a.coins'), eb.lit(0)).as('used')
		])
		.where('s.account_id', '=', accountId)
		.where('s.applies_to', '=', kind)
		.where('s.ended_at', 'is', null)
		.groupBy(['s.id', 's.applies_to', 's.period', 's.coins', 's.creator_ids'])
		.execute();
	return rows.map((row) => ({
		id: row.id,
		appliesTo: row.applies_to,
		period: row.period,
		coins: row.coins,
		creatorIds: row.creator_ids === null ? null : row.creator_ids.split(','),
		used: Number(row.used)
	}));
}

export async function addStanding(
	db: Kysely<DB>,
	accountId: string,
	input: StandingApprovalInput,
	by: string | null,
	now: number
): Promise<StandingApproval> {
	// Stored as the ids purchases carry, however the guardian spelt the handles.
	const ids = await Promise.all(input.creators.map((c) => creators.canonical(db, c)));
	return db
		.insertInto('standing_approvals')
		.values({
			id: newId('stand'),
			account_id: accountId,
			applies_to: input.appliesTo,
			period: input.period,
			coins: input.coins,
			creator_ids: ids.length > 0 ? [...new Set(ids)].join(',') : null,
			created_by: by,
			created_at: now,
			ended_at: null
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** Ends an open standing approval of `accountId`; undefined when there is no such one. */
export async function endStanding(
	db: Kysely<DB>,
	accountId: string,
	standingId: string,
	now: number
): Promise<StandingApproval | undefined> {
	return db
		.updateTable('standing_approvals')
		.set({ ended_at: now })
		.where('id', '=', standingId)
		.where('account_id', '=', accountId)
		.where('ended_at', 'is', null)
		.returningAll()
		.executeTakeFirst();
}
