import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { AuthorizationView, AuthorizeRequest, AuthorizeResponse } from '$lib/schemas/purchase';
import type { Database } from '../db';
import type { Authorization, DB } from '../db/schema';
import { writeTransaction } from '../db/transaction';
import { newId } from '../ids';
import type { ApiKeySummary } from '../auth/api-keys';
import { decide, periodKey, scopeOf, windowsAt } from '../policy/decide';
import * as limits from '../policy/limits';
import * as totals from './totals';

/** An expected refusal with the tRPC code the caller should see. */
export class PurchaseError extends Error {
	constructor(
		readonly code: 'NOT_FOUND' | 'CONFLICT',
		message: string
	) {
		super(message);
	}
}

const APPROVAL_TTL = 24 * 60 * 60_000; // as app stores' request-to-buy

export function holdTtl(): number {
	const seconds = Number(process.env.HOLD_TTL_SECONDS);
	return (Number.isFinite(seconds) && seconds > 0 ? seconds : 900) * 1000;
}

/** A digest of everything but the idempotency key, after defaults: "the same input". */
export function fingerprintOf(input: AuthorizeRequest): string {
	const canonical = JSON.stringify([
		input.accountId,
		input.kind,
		input.coins,
		input.price?.amount ?? null,
		input.price?.currency ?? null,
		input.creatorId ?? null,
		input.packageId ?? null,
		input.channel,
		input.paymentMethod ?? null
	]);
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

async function lockAccount(trx: Kysely<DB>, database: Database, accountId: string) {
	let query = trx
		.selectFrom('accounts')
		.select(['id', 'time_zone', 'is_minor'])
		.where('id', '=', accountId);
	// On PostgreSQL the account row is the lock that serializes its purchases; SQLite's
	// BEGIN IMMEDIATE already serializes every writer.
	if (database.dialect === 'postgres') query = query.forUpdate();
	return query.executeTakeFirst();
}

function findByKey(trx: Kysely<DB>, apiKeyId: string, idempotencyKey: string) {
	return trx
		.selectFrom('authorizations')
		.select(['fingerprint', 'response'])
		.where('api_key_id', '=', apiKeyId)
		.where('idempotency_key', '=', idempotencyKey)
		.executeTakeFirst();
}

function replay(
	found: { fingerprint: string; response: string },
	fingerprint: string
): AuthorizeResponse {
	if (found.fingerprint !== fingerprint) {
		throw new PurchaseError(
			'CONFLICT',
			'This idempotencyKey was already used with a different request. Use a new key for a new purchase.'
		);
	}
	return JSON.parse(found.response) as AuthorizeResponse;
}

/**
 * Decides a purchase and records it (with its hold on every limit) in one transaction.
 * The same key with the same input answers the first response again, however many arrive at once.
 */
export async function authorize(
	database: Database,
	apiKey: ApiKeySummary,
	input: AuthorizeRequest,
	now = Date.now()
): Promise<AuthorizeResponse> {
	const fingerprint = fingerprintOf(input);
	if (apiKey.account_id && apiKey.account_id !== input.accountId) throw unknownAccount();

	return writeTransaction(database, async (trx) => {
		const account = await lockAccount(trx, database, input.accountId);
		if (!account) throw unknownAccount();
		// Looked up under the lock, so a concurrent request with this key has either committed
		// (and is replayed) or not started: never both deciding.
		const raced = await findByKey(trx, apiKey.id, input.idempotencyKey);
		if (raced) return replay(raced, fingerprint);

		await expireDueForAccount(trx, account.id, now);
		const request = {
			kind: input.kind,
			coins: input.coins,
			price: input.price ?? null,
			creatorId: input.creatorId ?? null
		};
		const rules = await limits.active(trx, account.id, input.kind, now);
		const windows = windowsAt(account.time_zone, now);
		const periodKeys = (['day', 'week', 'month'] as const).map((p) => periodKey(p, windows[p]));
		const running = await totals.load(trx, account.id, input.kind, periodKeys, [
			...new Set(rules.map(scopeOf))
		]);
		const outcome = decide(request, rules, running, { now, timeZone: account.time_zone });

		if (input.creatorId) await recordCreator(trx, input.creatorId, now);
		const id = newId('auth');
		const approvalId = outcome.decision === 'pending_approval' ? newId('appr') : undefined;
		const expiresAt =
			outcome.decision === 'approved'
				? now + holdTtl()
				: outcome.decision === 'pending_approval'
					? now + APPROVAL_TTL
					: null;
		const reasons = outcome.hits.map((h) => h.reason);
		const response: AuthorizeResponse = {
			authorizationId: id,
			decision: outcome.decision,
			reasons,
			expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
			...(approvalId ? { approvalId } : {})
		};
		const row = {
			id,
			account_id: account.id,
			api_key_id: apiKey.id,
			idempotency_key: input.idempotencyKey,
			fingerprint,
			kind: input.kind,
			coins: input.coins,
			price_amount: input.price?.amount ?? null,
			currency: input.price?.currency ?? null,
			creator_id: input.creatorId ?? null,
			package_id: input.packageId ?? null,
			channel: input.channel,
			payment_method: input.paymentMethod ?? null,
			status:
				outcome.decision === 'approved'
					? ('held' as const)
					: outcome.decision === 'pending_approval'
						? ('pending_approval' as const)
						: ('declined' as const),
			decision: outcome.decision,
			reasons: JSON.stringify(reasons),
			response: JSON.stringify(response),
			day_key: periodKeys[0]!,
			week_key: periodKeys[1]!,
			month_key: periodKeys[2]!,
			created_at: now,
			expires_at: expiresAt,
			settled_at: outcome.decision === 'declined' ? now : null
		};
		await trx.insertInto('authorizations').values(row).execute();
		if (approvalId) {
			await trx
				.insertInto('approval_requests')
				.values({
					id: approvalId,
					authorization_id: id,
					account_id: account.id,
					status: 'pending',
					created_at: now,
					expires_at: expiresAt!,
					decided_by: null,
					decided_at: null,
					note: null
				})
				.execute();
		}
		if (row.status !== 'declined')
			await totals.move(trx, account.id, row, { held: 1, captured: 0 });
		return response;
	});
}

function unknownAccount(): PurchaseError {
	return new PurchaseError('NOT_FOUND', 'No account with that accountId.');
}

async function recordCreator(trx: Kysely<DB>, creatorId: string, now: number): Promise<void> {
	await trx
		.insertInto('creators')
		.values({ id: creatorId, handle: null, display_name: creatorId, first_seen_at: now })
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();
}

function findOwn(trx: Kysely<DB>, apiKey: ApiKeySummary, authorizationId: string) {
	// Each key sees only the authorizations it made.
	return trx
		.selectFrom('authorizations')
		.selectAll()
		.where('id', '=', authorizationId)
		.where('api_key_id', '=', apiKey.id)
		.executeTakeFirst();
}

function isDue(auth: Pick<Authorization, 'status' | 'expires_at'>, now: number): boolean {
	return (
		(auth.status === 'held' || auth.status === 'pending_approval') &&
		auth.expires_at !== null &&
		auth.expires_at <= now
	);
}

export function view(auth: Authorization, now = Date.now()): AuthorizationView {
	const status = isDue(auth, now) ? 'expired' : auth.status;
	const live = status === 'held' || status === 'pending_approval';
	return {
		authorizationId: auth.id,
		status,
		decision: auth.decision,
		reasons: JSON.parse(auth.reasons),
		expiresAt: live && auth.expires_at !== null ? new Date(auth.expires_at).toISOString() : null
	};
}

export async function get(
	database: Database,
	apiKey: ApiKeySummary,
	authorizationId: string,
	now = Date.now()
): Promise<AuthorizationView> {
	const auth = await findOwn(database.db, apiKey, authorizationId);
	if (!auth) throw notFound();
	return view(auth, now);
}

function notFound(): PurchaseError {
	return new PurchaseError('NOT_FOUND', 'No authorization with that authorizationId.');
}

function conflict(auth: Authorization, action: 'capture' | 'void', now: number): PurchaseError {
	const status = view(auth, now).status;
	const because: Record<string, string> = {
		voided: 'it was voided',
		expired: 'its hold expired; authorize the purchase again',
		declined: 'it was declined',
		pending_approval: 'it is still waiting for a guardian',
		captured: 'it was already captured',
		held: 'it is held'
	};
	return new PurchaseError('CONFLICT', `Cannot ${action} this authorization: ${because[status]}.`);
}

type Settlement = { ok: AuthorizationView } | { refused: PurchaseError };

async function settle(
	database: Database,
	apiKey: ApiKeySummary,
	authorizationId: string,
	action: 'capture' | 'void',
	now: number
): Promise<AuthorizationView> {
	const result = await writeTransaction(database, async (trx): Promise<Settlement> => {
		const found = await findOwn(trx, apiKey, authorizationId);
		if (!found) throw notFound();
		await lockAccount(trx, database, found.account_id);
		const auth = (await findOwn(trx, apiKey, authorizationId))!; // re-read under the lock
		const done = action === 'capture' ? 'captured' : 'voided';
		if (auth.status === done) return { ok: view(auth, now) };
		if (isDue(auth, now)) {
			// Expire it for good (committed), then refuse.
			await expire(trx, auth, now);
			return { refused: conflict({ ...auth, status: 'expired' }, action, now) };
		}
		const allowed =
			action === 'capture'
				? auth.status === 'held'
				: auth.status === 'held' || auth.status === 'pending_approval';
		if (!allowed) return { refused: conflict(auth, action, now) };

		await trx
			.updateTable('authorizations')
			.set({ status: done, settled_at: now })
			.where('id', '=', auth.id)
			.execute();
		if (action === 'capture') {
			await totals.move(trx, auth.account_id, auth, { held: -1, captured: 1 });
			await writeLedgerEntry(trx, auth);
		} else {
			await release(trx, auth, 'withdrawn', now);
		}
		return { ok: view({ ...auth, status: done, settled_at: now }, now) };
	});
	if ('refused' in result) throw result.refused;
	return result.ok;
}

async function writeLedgerEntry(trx: Kysely<DB>, auth: Authorization): Promise<void> {
	const signed = auth.kind === 'recharge' ? auth.coins : -auth.coins;
	const [pack, gift] = await Promise.all([
		auth.kind === 'recharge' && auth.package_id
			? trx
					.selectFrom('coin_packs')
					.select('id')
					.where('id', '=', auth.package_id)
					.executeTakeFirst()
			: undefined,
		auth.kind === 'gift' && auth.package_id
			? trx.selectFrom('gifts').select('id').where('id', '=', auth.package_id).executeTakeFirst()
			: undefined
	]);
	await trx
		.insertInto('ledger_entries')
		.values({
			id: newId('led'),
			account_id: auth.account_id,
			kind: auth.kind,
			coins: signed,
			price_amount: auth.price_amount,
			currency: auth.currency,
			creator_id: auth.creator_id,
			gift_id: gift?.id ?? null,
			pack_id: pack?.id ?? null,
			channel: auth.channel,
			payment_method: auth.payment_method,
			authorization_id: auth.id,
			// The purchase happened when it was authorized; its totals count in that period too.
			occurred_at: auth.created_at
		})
		.execute();
	await trx
		.updateTable('accounts')
		.set((eb) => ({ coin_balance: eb('coin_balance', '+', signed) }))
		.where('id', '=', auth.account_id)
		.execute();
}

export function capture(database: Database, apiKey: ApiKeySummary, id: string, now = Date.now()) {
	return settle(database, apiKey, id, 'capture', now);
}

export function voidHold(database: Database, apiKey: ApiKeySummary, id: string, now = Date.now()) {
	return settle(database, apiKey, id, 'void', now);
}

async function expire(trx: Kysely<DB>, auth: Authorization, now: number): Promise<void> {
	const updated = await trx
		.updateTable('authorizations')
		.set({ status: 'expired', settled_at: now })
		.where('id', '=', auth.id)
		.where('status', '=', auth.status)
		.executeTakeFirst();
	if (updated.numUpdatedRows === 0n) return;
	await release(trx, auth, 'expired', now);
}

/** Takes a hold off the running totals and closes its approval request, if one is pending. */
async function release(
	trx: Kysely<DB>,
	auth: Authorization,
	approval: 'withdrawn' | 'expired',
	now: number
): Promise<void> {
	await totals.move(trx, auth.account_id, auth, { held: -1, captured: 0 });
	await trx
		.updateTable('approval_requests')
		.set({ status: approval, decided_at: now })
		.where('authorization_id', '=', auth.id)
		.where('status', '=', 'pending')
		.execute();
}

/** Releases an account's holds and approval requests whose time is up (inside its lock). */
export async function expireDueForAccount(
	trx: Kysely<DB>,
	accountId: string,
	now: number
): Promise<number> {
	const due = await trx
		.selectFrom('authorizations')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('status', 'in', ['held', 'pending_approval'])
		.where('expires_at', '<=', now)
		.execute();
	for (const auth of due) await expire(trx, auth, now);
	return due.length;
}

/** The background sweep: expires what is due across all accounts, one account per transaction. */
export async function sweep(database: Database, now = Date.now(), batch = 500): Promise<number> {
	const accounts = await database.db
		.selectFrom('authorizations')
		.select('account_id')
		.distinct()
		.where('status', 'in', ['held', 'pending_approval'])
		.where('expires_at', '<=', now)
		.limit(batch)
		.execute();
	let expired = 0;
	for (const { account_id } of accounts) {
		expired += await writeTransaction(database, async (trx) => {
			await lockAccount(trx, database, account_id);
			return expireDueForAccount(trx, account_id, now);
		});
	}
	return expired;
}
