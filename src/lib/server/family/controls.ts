import type { Kysely } from 'kysely';
import type { LimitInput } from '$lib/schemas/limits';
import type { PurchaseKind } from '$lib/schemas/purchase';
import { loosens, type AccountRules, type StandingApprovalInput } from '$lib/schemas/rules';
import * as access from '../access';
import * as accounts from '../accounts';
import type { Account, DB, Limit, StandingApproval } from '../db/schema';
import * as accountRules from '../policy/account-rules';
import * as limits from '../policy/limits';
import * as audit from './audit';
import { inTransaction } from './store';

// What a guardian sets for a minor: the rules beyond amounts, whether every purchase waits for
// an answer, caps, and standing approvals. Every change goes through `access` (a guardian of
// the minor's family, never the minor) and into the family's audit log with before and after.
// Guardian changes take effect at once: the cool-off protects people from their own impulses,
// not a child from a parent's considered change. Changes that loosen something are confirmed
// with the guardian's password by the page before they get here (`loosens`, `isLoosening`).

export interface Controls {
	minor: Account;
	rules: AccountRules;
	/** Whether every recharge and every gift waits for a guardian. */
	asks: Record<PurchaseKind, boolean>;
	/** The minor's limits in force or waiting, the "every purchase" ones left out. */
	caps: Limit[];
	standing: StandingApproval[];
}

async function familyOf(db: Kysely<DB>, minorId: string): Promise<string> {
	const row = await db
		.selectFrom('family_members')
		.select('family_id')
		.where('account_id', '=', minorId)
		.executeTakeFirstOrThrow();
	return row.family_id;
}

/** The minor's controls, for a guardian of their family or the minor themself (read-only). */
export async function view(
	db: Kysely<DB>,
	actor: access.Actor,
	minorId: string,
	now: number
): Promise<Controls> {
	await access.require(db, actor, 'minor.read', minorId);
	const [minor, rules, all, standing] = await Promise.all([
		accounts.get(db, minorId),
		accountRules.get(db, minorId),
		limits.list(db, minorId, now),
		accountRules.standingList(db, minorId)
	]);
	const every = (kind: PurchaseKind) =>
		all.some(
			(l) => l.applies_to === kind && accountRules.isEveryPurchase(l) && l.effective_at <= now
		);
	return {
		minor: minor!,
		rules,
		asks: { recharge: every('recharge'), gift: every('gift') },
		caps: all.filter((l) => !accountRules.isEveryPurchase(l)),
		standing
	};
}

export interface RulesChange {
	rules: AccountRules;
	asks: Record<PurchaseKind, boolean>;
}

/** Whether the change allows the minor something they could not do before. */
export function isLoosening(current: Controls, next: RulesChange): boolean {
	return (
		loosens(current.rules, next.rules) ||
		(current.asks.recharge && !next.asks.recharge) ||
		(current.asks.gift && !next.asks.gift)
	);
}

/** Sets the minor's rules and whether every purchase of each kind waits for a guardian. */
export async function setRules(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	next: RulesChange,
	now: number
): Promise<void> {
	await inTransaction(db, async (trx) => {
		await access.require(trx, guardian, 'minor.manage', minorId);
		const before = await view(trx, guardian, minorId, now);
		await accountRules.save(trx, minorId, next.rules, guardian.accountId, now);
		for (const kind of ['recharge', 'gift'] as const) {
			if (before.asks[kind] === next.asks[kind]) continue;
			if (next.asks[kind]) {
				await limits.add(trx, minorId, accountRules.everyPurchase(kind), setBy(guardian), now);
			} else {
				const every = (await limits.list(trx, minorId, now)).filter(
					(l) => l.applies_to === kind && accountRules.isEveryPurchase(l)
				);
				for (const limit of every) {
					await limits.end(trx, limit.id, now, { accountId: guardian.accountId });
				}
			}
		}
		await audit.record(trx, {
			familyId: await familyOf(trx, minorId),
			actorId: guardian.accountId,
			action: 'rules.changed',
			subjectId: minorId,
			before: { ...before.rules, asks: before.asks },
			after: { ...next.rules, asks: next.asks },
			at: now
		});
	});
}

const setBy = (guardian: access.Actor) => ({
	role: 'guardian' as const,
	accountId: guardian.accountId
});

/** A cap on the minor's account, locked for the minor, in force at once. */
export async function addCap(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	input: LimitInput,
	now: number
): Promise<Limit> {
	return inTransaction(db, async (trx) => {
		await access.require(trx, guardian, 'minor.manage', minorId);
		const minor = (await accounts.get(trx, minorId))!;
		const currency = input.metric === 'money' ? minor.currency : null;
		return limits.add(trx, minorId, { ...input, currency }, setBy(guardian), now);
	});
}

/** Ends a cap on the minor's account at once, whoever set it. */
export async function removeCap(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	limitId: string,
	now: number
): Promise<Limit> {
	return inTransaction(db, async (trx) => {
		await access.require(trx, guardian, 'minor.manage', minorId);
		const limit = await limits.get(trx, minorId, limitId);
		if (!limit || (limit.ends_at !== null && limit.ends_at <= now))
			throw new access.NotFoundError();
		await limits.end(trx, limit.id, now, { accountId: guardian.accountId });
		return limit;
	});
}

export async function addStanding(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	input: StandingApprovalInput,
	now: number
): Promise<StandingApproval> {
	return inTransaction(db, async (trx) => {
		await access.require(trx, guardian, 'minor.manage', minorId);
		const added = await accountRules.addStanding(trx, minorId, input, guardian.accountId, now);
		await audit.record(trx, {
			familyId: await familyOf(trx, minorId),
			actorId: guardian.accountId,
			action: 'standing.added',
			subjectId: minorId,
			before: null,
			after: standingTerms(added),
			at: now
		});
		return added;
	});
}

export async function endStanding(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	standingId: string,
	now: number
): Promise<void> {
	await inTransaction(db, async (trx) => {
		await access.require(trx, guardian, 'minor.manage', minorId);
		const ended = await accountRules.endStanding(trx, minorId, standingId, now);
		if (!ended) throw new access.NotFoundError();
		await audit.record(trx, {
			familyId: await familyOf(trx, minorId),
			actorId: guardian.accountId,
			action: 'standing.ended',
			subjectId: minorId,
			before: standingTerms(ended),
			after: null,
			at: now
		});
	});
}

function standingTerms(s: StandingApproval) {
	return {
		appliesTo: s.applies_to,
		period: s.period,
		coins: s.coins,
		creators: s.creator_ids?.split(',') ?? null
	};
}
