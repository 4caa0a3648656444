import type { Kysely } from 'kysely';
import type { ApprovalAnswer, ApprovalStatus } from '$lib/schemas/approvals';
import type { Channel, PurchaseKind } from '$lib/schemas/purchase';
import * as access from '../access';
import type { Database } from '../db';
import type { DB } from '../db/schema';
import * as audit from '../family/audit';
import * as answers from '../ledger/approvals';
import * as notify from '../notify';
import { unknownApproval } from '../ledger/errors';
import * as context from './context';

// Approval requests as guardians and minors see them, and a guardian's answer. The ledger
// moves the purchase (ledger/approvals.ts); here is who may see and answer, what they see,
// and the family's audit record of each answer.

export { AlreadyDecided, NoLongerFits, type Decided } from '../ledger/approvals';

/** How far back the page shows decided requests. */
export const HISTORY_DAYS = 30;

export interface Request {
	approvalId: string;
	authorizationId: string;
	status: ApprovalStatus;
	minor: { id: string; name: string };
	kind: PurchaseKind;
	packageId: string | null;
	coins: number;
	price: { amount: number; currency: string } | null;
	channel: Channel;
	paymentMethod: string | null;
	creator: { id: string; handle: string | null; name: string } | null;
	createdAt: string;
	expiresAt: string;
	decidedBy: { id: string; name: string } | null;
	decidedAt: string | null;
	note: string | null;
}

export type PendingRequest = Request & { context: context.Context };

const iso = (millis: number) => new Date(millis).toISOString();

/** The requests `actor` may read: a guardian's minors', or a minor's own. */
function visible(db: Kysely<DB>, actor: access.Actor) {
	let query = db
		.selectFrom('approval_requests as r')
		.innerJoin('authorizations as a', 'a.id', 'r.authorization_id')
		.innerJoin('accounts as m', 'm.id', 'r.account_id')
		.leftJoin('creators as c', 'c.id', 'a.creator_id')
		.leftJoin('accounts as d', 'd.id', 'r.decided_by')
		.selectAll('a')
		.select([
			'r.id as approval_id',
			'r.status as request_status',
			'r.expires_at as request_expires_at',
			'r.decided_at',
			'r.note',
			'm.display_name as minor_name',
			'm.time_zone as minor_time_zone',
			'm.currency as minor_currency',
			'c.handle as creator_handle',
			'c.display_name as creator_name',
			'd.id as decider_id',
			'd.display_name as decider_name'
		]);
	if (actor.family?.role === 'guardian') {
		const familyId = actor.family.id;
		query = query.where('r.account_id', 'in', (eb) =>
			eb
				.selectFrom('family_members')
				.select('account_id')
				.where('family_id', '=', familyId)
				.where('role', '=', 'minor')
		);
	} else {
		query = query.where('r.account_id', '=', actor.accountId);
	}
	return query;
}

type Row = Awaited<ReturnType<ReturnType<typeof visible>['execute']>>[number];

function shape(row: Row): Request {
	return {
		approvalId: row.approval_id,
		authorizationId: row.id,
		status: row.request_status,
		minor: { id: row.account_id, name: row.minor_name },
		kind: row.kind,
		packageId: row.package_id,
		coins: row.coins,
		price:
			row.price_amount !== null && row.currency !== null
				? { amount: row.price_amount, currency: row.currency }
				: null,
		channel: row.channel,
		paymentMethod: row.payment_method,
		creator: row.creator_id
			? { id: row.creator_id, handle: row.creator_handle, name: row.creator_name ?? row.creator_id }
			: null,
		createdAt: iso(row.created_at),
		expiresAt: iso(row.request_expires_at),
		decidedBy: row.decider_id ? { id: row.decider_id, name: row.decider_name! } : null,
		decidedAt: row.decided_at === null ? null : iso(row.decided_at),
		note: row.note
	};
}

/** The requests still waiting (and not yet due), oldest first, each with its context. */
export async function pending(
	db: Kysely<DB>,
	actor: access.Actor,
	now = Date.now()
): Promise<PendingRequest[]> {
	const rows = await visible(db, actor)
		.where('r.status', '=', 'pending')
		.where('r.expires_at', '>', now)
		.orderBy('r.created_at')
		.orderBy('r.id')
		.execute();
	return Promise.all(
		rows.map(async (row) => ({
			...shape(row),
			context: await context.of(
				db,
				row,
				{ timeZone: row.minor_time_zone, currency: row.minor_currency },
				now
			)
		}))
	);
}

/** The requests closed in the last HISTORY_DAYS days (or waiting past their time), newest first. */
export async function recent(
	db: Kysely<DB>,
	actor: access.Actor,
	now = Date.now()
): Promise<Request[]> {
	const since = now - HISTORY_DAYS * 86_400_000;
	const rows = await visible(db, actor)
		.where((eb) =>
			eb.or([
				eb.and([eb('r.status', '!=', 'pending'), eb('r.decided_at', '>=', since)]),
				// Due but not yet swept: it expired, whatever the row says.
				eb.and([eb('r.status', '=', 'pending'), eb('r.expires_at', '<=', now)])
			])
		)
		.orderBy('r.created_at', 'desc')
		.orderBy('r.id')
		.limit(200)
		.execute();
	return rows.map((row) => {
		const request = shape(row);
		return row.request_status === 'pending' ? { ...request, status: 'expired' } : request;
	});
}

/**
 * A guardian's answer. Who may answer is checked under the account's lock, in the transaction
 * that moves the request, and the answer goes to the family's audit log in that transaction
 * too. `decidedBy` is always the actor.
 */
export function decide(
	database: Database,
	actor: access.Actor,
	input: { approvalId: string; decision: ApprovalAnswer; note?: string | null },
	now = Date.now()
): Promise<answers.Decided> {
	const note = input.note?.trim() || undefined;
	const answer = input.decision === 'approve' ? answers.approve : answers.deny;
	return answer(database, input.approvalId, actor.accountId, now, note, {
		// Another family's request answers exactly as an id that does not exist.
		check: (trx) =>
			access.require(trx, actor, 'approval.decide', input.approvalId).catch((error) => {
				throw error instanceof access.NotFoundError ? unknownApproval() : error;
			}),
		record: async (trx, decided, request) => {
			await notify.afterDecision(trx, { decided, request, note: note ?? null, now });
			await audit.record(trx, {
				familyId: actor.family!.id,
				actorId: actor.accountId,
				action: decided.status === 'approved' ? 'approval.approved' : 'approval.denied',
				subjectId: request.account_id,
				before: { approvalId: decided.approvalId, status: 'pending' },
				after: {
					approvalId: decided.approvalId,
					authorizationId: request.authorization_id,
					status: decided.status,
					note: note ?? null
				},
				at: now
			});
		}
	});
}
