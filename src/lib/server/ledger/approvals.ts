import type { Kysely } from 'kysely';
import type { ApprovalAnswer, ApprovalStatus } from '$lib/schemas/approvals';
import type { Database } from '../db';
import type { Reason } from '$lib/schemas/reasons';
import type { ApprovalRequest, DB } from '../db/schema';
import { writeTransaction } from '../db/transaction';
import { PurchaseError, unknownApproval } from './errors';
import * as notify from '../notify';
import * as lock from './lock';
import * as recheck from './recheck';
import * as states from './states';
import { apply } from './transition';

// The ledger's half of a guardian's answer: the first answer moves the request and its
// authorization (approve keeps the hold, now as an approved hold with a fresh expiry; deny
// releases it); every later answer is a CONFLICT that says who answered first.

export interface Decided {
	approvalId: string;
	status: Extract<ApprovalStatus, 'approved' | 'denied'>;
	decidedBy: string;
	decidedAt: string;
}

/** A request that was answered, expired or withdrawn before this answer: who, what and when. */
export class AlreadyDecided extends PurchaseError {
	constructor(
		readonly request: {
			status: ApprovalStatus;
			decidedBy: string | null;
			decidedAt: number | null;
		},
		operation: ApprovalAnswer,
		decidedByName: string | null
	) {
		super(
			'CONFLICT',
			states.approvalRefusal(
				{ ...request, decidedBy: decidedByName ?? request.decidedBy },
				operation
			)
		);
	}
}

/**
 * An approval that the limits as they stand now would block (a cap lowered or used up since the
 * request was made). Nothing changed: the request still waits, so a guardian can deny it, or
 * loosen the limit and approve it again.
 */
export class NoLongerFits extends PurchaseError {
	constructor(readonly reasons: Reason[]) {
		super(
			'CONFLICT',
			`Cannot approve this request: it no longer fits the limits. ${reasons.map((r) => r.message).join(' ')}`
		);
	}
}

/** What the caller runs inside the answer's transaction, under the account's lock. */
export interface Hooks {
	/** First, before anything is read or moved: throws to refuse (who may answer). */
	check?(trx: Kysely<DB>, request: ApprovalRequest): Promise<void>;
	/** After the move, in the same transaction (the family's audit log). */
	record?(trx: Kysely<DB>, decided: Decided, request: ApprovalRequest): Promise<void>;
}

export function approve(
	database: Database,
	approvalId: string,
	decidedBy: string,
	now = Date.now(),
	note?: string,
	hooks: Hooks = {}
): Promise<Decided> {
	return answer(database, approvalId, 'approve', { decidedBy, note: note ?? null }, now, hooks);
}

export function deny(
	database: Database,
	approvalId: string,
	decidedBy: string,
	now = Date.now(),
	note?: string,
	hooks: Hooks = {}
): Promise<Decided> {
	return answer(database, approvalId, 'deny', { decidedBy, note: note ?? null }, now, hooks);
}

function findRequest(trx: Kysely<DB>, approvalId: string) {
	return trx
		.selectFrom('approval_requests')
		.selectAll()
		.where('id', '=', approvalId)
		.executeTakeFirst();
}

type Outcome = { ok: Decided } | { refused: PurchaseError };

async function answer(
	database: Database,
	approvalId: string,
	operation: ApprovalAnswer,
	by: { decidedBy: string; note: string | null },
	now: number,
	hooks: Hooks
): Promise<Decided> {
	const result = await writeTransaction(database, async (trx): Promise<Outcome> => {
		const found = await findRequest(trx, approvalId);
		if (!found) throw unknownApproval();
		const account = (await lock.account(trx, database, found.account_id, now))!;
		await hooks.check?.(trx, found);
		const auth = await trx
			.selectFrom('authorizations')
			.selectAll()
			.where('id', '=', found.authorization_id)
			.executeTakeFirstOrThrow();
		if (states.isDue(auth, now)) {
			// Too late: expire it for good (committed), then refuse as for any closed request.
			if (await apply(trx, auth, 'expire', now)) await notify.afterExpiry(trx, auth, now);
			return { refused: await alreadyDecided(trx, approvalId, operation) };
		}
		const request = (await findRequest(trx, approvalId))!; // re-read under the lock
		if (!states.approvalTransition(request.status, operation)) {
			return { refused: await alreadyDecided(trx, approvalId, operation) };
		}
		if (operation === 'approve') {
			const wallet = { balance: account.coin_balance, onHold: account.gift_coins_on_hold };
			const blocked = await recheck.blockers(
				trx,
				auth,
				{ timeZone: account.time_zone, wallet, rules: account.rules, minor: account.minor },
				now
			);
			if (blocked.length > 0) return { refused: new NoLongerFits(blocked) };
		}
		const done = await apply(trx, auth, operation, now, by);
		if (!done) {
			return { refused: new PurchaseError('CONFLICT', states.refusal(auth.status, operation)) };
		}
		const decided: Decided = {
			approvalId,
			status: states.approvalTransition('pending', operation) as Decided['status'],
			decidedBy: by.decidedBy,
			decidedAt: new Date(now).toISOString()
		};
		await hooks.record?.(trx, decided, request);
		return { ok: decided };
	});
	if ('refused' in result) throw result.refused;
	return result.ok;
}

async function alreadyDecided(
	trx: Kysely<DB>,
	approvalId: string,
	operation: ApprovalAnswer
): Promise<AlreadyDecided> {
	const request = (await findRequest(trx, approvalId))!;
	const decider = request.decided_by
		? await trx
				.selectFrom('accounts')
				.select('display_name')
				.where('id', '=', request.decided_by)
				.executeTakeFirst()
		: undefined;
	// An expired request says when its time was up, not when the expiry was written.
	const decidedAt = request.status === 'expired' ? request.expires_at : request.decided_at;
	return new AlreadyDecided(
		{ status: request.status, decidedBy: request.decided_by, decidedAt },
		operation,
		decider?.display_name ?? null
	);
}
