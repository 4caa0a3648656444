import type { Kysely } from 'kysely';
import {
	BLOCKED_CHANNEL_CODES,
	CAP_THRESHOLDS,
	type BlockedChannelCode,
	type NoticeData
} from '$lib/schemas/notifications';
import type { Reason } from '$lib/schemas/reasons';
import type { ApprovalRequest, Authorization, DB } from '../db/schema';
import type { Decided } from '../ledger/approvals';
import { windowsAt, type LimitRule, type PurchaseRequest, type Totals } from '../policy/decide';
import * as caps from './caps';
import * as inbox from './inbox';
import * as purchases from './purchase';
import { householdOf } from './recipients';
import { record } from './record';

// Notices about minors' purchases, recorded in the transaction of the event that causes them.
// Each ledger operation calls one function here, so the ledger stays about money.

export * as inbox from './inbox';
export * as live from './live';
export * as email from './email';

export interface Authorized {
	/** The account as read under its lock. */
	account: { is_minor: number; time_zone: string };
	/** The authorization as written (status, reasons, period keys). */
	row: Omit<Authorization, 'reasons'> & { reasons: string };
	approvalId: string | undefined;
	request: PurchaseRequest;
	rules: readonly LimitRule[];
	/** The totals before this purchase. */
	running: Totals;
	now: number;
}

/**
 * After `purchase.authorize` wrote its authorization: a minor's requests and channel declines
 * tell the guardians; shares of a limit reached tell the holder and a minor's guardians.
 */
export async function afterAuthorize(trx: Kysely<DB>, done: Authorized): Promise<void> {
	const { row, now } = done;
	// Held or waiting: the purchase counts against every cap now. Worked out before any
	// query, so an adult's purchase that reaches no share (the hot path) costs none.
	const live = row.status !== 'declined';
	const windows = windowsAt(done.account.time_zone, now);
	const minor = Boolean(done.account.is_minor);
	const found = live
		? caps.crossings(done.rules, done.request, done.running, windows, done.account.time_zone, minor)
		: [];
	if (!minor) {
		if (found.length > 0) await tellHolder(trx, row.account_id, found, now);
		return;
	}
	// A minor's purchase that asks nobody, is not refused for a closed channel and reaches no
	// share tells nobody: most of them, so the household is read only when there is news.
	const asks = row.status === 'pending_approval' && done.approvalId !== undefined;
	const closed =
		row.status === 'declined' &&
		(JSON.parse(row.reasons) as Reason[]).some((r) =>
			(BLOCKED_CHANNEL_CODES as readonly string[]).includes(r.code)
		);
	if (!asks && !closed && found.length === 0) return;
	const household = await householdOf(trx, row.account_id);
	if (!household) {
		if (found.length > 0) await tellHolder(trx, row.account_id, found, now);
		return;
	}
	const guardians = household.guardians.map((g) => g.id);

	if (row.status === 'pending_approval' && done.approvalId) {
		await record(
			trx,
			guardians,
			{
				kind: 'approval_requested',
				approvalId: done.approvalId,
				minor: household.minor,
				purchase: await purchases.describe(trx, row),
				expiresAt: new Date(row.expires_at!).toISOString()
			},
			now
		);
	}
	if (row.status === 'declined') {
		const reasons = JSON.parse(row.reasons) as Reason[];
		const blocked = reasons.find((r) =>
			(BLOCKED_CHANNEL_CODES as readonly string[]).includes(r.code)
		);
		if (blocked) {
			const purchase = await purchases.describe(trx, row);
			const code = blocked.code as BlockedChannelCode;
			await record(
				trx,
				guardians,
				{ kind: 'channel_declined', minor: household.minor, purchase, code },
				now
			);
		}
		return;
	}
	for (const crossing of found) {
		const fresh = await caps.firstTime(trx, crossing, now);
		const forGuardians = caps.highestFor(fresh, CAP_THRESHOLDS);
		if (forGuardians !== undefined) {
			await record(trx, guardians, capNotice(crossing, household.minor, forGuardians, false), now);
		}
		const forHolder = caps.highestFor(fresh, caps.holderThresholds(crossing.rule));
		if (forHolder !== undefined) {
			await record(
				trx,
				[household.minor.id],
				capNotice(crossing, household.minor, forHolder, true),
				now
			);
		}
	}
}

/** An adult's (or a minor's outside a family) own alerts: only the thresholds they chose. */
async function tellHolder(
	trx: Kysely<DB>,
	accountId: string,
	found: readonly caps.Crossing[],
	now: number
): Promise<void> {
	const holder = await trx
		.selectFrom('accounts')
		.select(['id', 'display_name as name'])
		.where('id', '=', accountId)
		.executeTakeFirstOrThrow();
	for (const crossing of found) {
		const fresh = await caps.firstTime(trx, crossing, now);
		const threshold = caps.highestFor(fresh, caps.holderThresholds(crossing.rule));
		if (threshold === undefined) continue;
		await record(trx, [holder.id], capNotice(crossing, holder, threshold, true), now);
	}
}

function capNotice(
	crossing: caps.Crossing,
	holder: { id: string; name: string },
	threshold: number,
	own: boolean
): NoticeData {
	// The terms only: thresholds and rollover are settings, not what the notice says.
	const { id, appliesTo, metric, period, amount, currency, creatorId, action } = crossing.rule;
	return {
		kind: 'cap_reached',
		minor: holder,
		threshold,
		limit: { id, appliesTo, metric, period, amount, currency, creatorId, action },
		used: crossing.used,
		periodKey: crossing.periodKey,
		...(own ? { own: true } : {})
	};
}

/**
 * After a guardian's answer: the minor and the other guardians hear who decided. The guardian
 * who decided gets the same notice already read, so that their other tabs and windows move too
 * (the live stream sends what is recorded, whichever server recorded it), and the request they
 * were asked about stops counting as unread.
 */
export async function afterDecision(
	trx: Kysely<DB>,
	done: { decided: Decided; request: ApprovalRequest; note: string | null; now: number }
): Promise<void> {
	const { decided, request, now } = done;
	const household = await householdOf(trx, request.account_id);
	if (!household) return;
	const decider = household.guardians.find((g) => g.id === decided.decidedBy);
	const auth = await authorizationOf(trx, request.authorization_id);
	const notice = {
		kind: 'approval_decided',
		approvalId: decided.approvalId,
		minor: household.minor,
		purchase: await purchases.describe(trx, auth),
		status: decided.status,
		decidedBy: decider ?? { id: decided.decidedBy, name: 'A guardian' },
		note: done.note
	} as const;
	await record(
		trx,
		[
			household.minor.id,
			...household.guardians.map((g) => g.id).filter((id) => id !== decided.decidedBy)
		],
		notice,
		now
	);
	await inbox.markAnswered(trx, decided.decidedBy, decided.approvalId, now);
	await record(trx, [decided.decidedBy], { ...notice, own: true }, now, { read: true });
}

/**
 * After an authorization expired (`before` is the row as it was): a request nobody answered
 * tells the minor and every guardian; an unsettled hold tells nobody.
 */
export async function afterExpiry(
	trx: Kysely<DB>,
	before: Authorization,
	now: number
): Promise<void> {
	if (before.status !== 'pending_approval') return;
	const household = await householdOf(trx, before.account_id);
	if (!household) return;
	const request = await trx
		.selectFrom('approval_requests')
		.select('id')
		.where('authorization_id', '=', before.id)
		.executeTakeFirstOrThrow();
	await record(
		trx,
		[household.minor.id, ...household.guardians.map((g) => g.id)],
		{
			kind: 'approval_expired',
			approvalId: request.id,
			minor: household.minor,
			purchase: await purchases.describe(trx, before)
		},
		now
	);
}

function authorizationOf(trx: Kysely<DB>, id: string) {
	return trx
		.selectFrom('authorizations')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
}

/**
 * After a guardian removed a member: every guardian of the family (the remover knows) and the
 * removed member hear it. Call in the removal's transaction, after the member left.
 */
export async function afterRemoval(
	trx: Kysely<DB>,
	done: {
		familyId: string;
		memberId: string;
		role: 'guardian' | 'minor';
		byId: string;
		now: number;
	}
): Promise<void> {
	const [people, guardians, family] = await Promise.all([
		trx
			.selectFrom('accounts')
			.select(['id', 'display_name'])
			.where('id', 'in', [done.memberId, done.byId])
			.execute(),
		trx
			.selectFrom('family_members')
			.select('account_id')
			.where('family_id', '=', done.familyId)
			.where('role', '=', 'guardian')
			.execute(),
		trx
			.selectFrom('families')
			.select('name')
			.where('id', '=', done.familyId)
			.executeTakeFirstOrThrow()
	]);
	const person = (id: string) => ({
		id,
		name: people.find((p) => p.id === id)?.display_name ?? 'Someone'
	});
	const to = [done.memberId, ...guardians.map((g) => g.account_id)].filter(
		(id) => id !== done.byId
	);
	await record(
		trx,
		to,
		{
			kind: 'member_removed',
			member: person(done.memberId),
			role: done.role,
			by: person(done.byId),
			family: family.name
		},
		done.now
	);
}
