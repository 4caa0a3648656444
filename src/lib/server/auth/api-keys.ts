import type { Kysely } from 'kysely';
import type { ApiKey, DB } from '../db/schema';
import { template } from '../db/template';
import { newId, randomToken } from '../ids';
import { sha256Hex } from '../hash';

// Keys carry 160 random bits, so a plain SHA-256 (not a slow password hash) is the right
// storage: nothing to brute-force, and the hot path of every purchase call stays cheap.
const KEY_PREFIX = 'cg_';
const TOUCH_EVERY = 60_000;
/**
 * What a key may do: an operator key (no account) runs purchases for every account; a
 * personal key (with an account) only reads that account's own reports.
 */
export const API_KEY_SCOPES = ['purchase', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type ApiKeySummary = Omit<ApiKey, 'key_hash'>;

const summaryColumns = [
	'id',
	'name',
	'key_prefix',
	'scopes',
	'created_at',
	'last_used_at',
	'revoked_at',
	'account_id'
] as const;

function hashKey(key: string): string {
	return sha256Hex(key);
}

/** The kind of a key is decided by its owner: none for the operator's, one account for a personal key. */
export function isOperator(key: Pick<ApiKey, 'account_id'>): boolean {
	return key.account_id === null;
}

export function scopesOf(key: Pick<ApiKey, 'account_id'>): ApiKeyScope[] {
	return isOperator(key) ? ['purchase'] : ['read'];
}

/**
 * Makes a key. An operator key (no owner) is the purchase flow's and runs purchases for
 * every account; a key with an owner is personal and read-only: a capture is the only way
 * coins enter the ledger, so a key a person (a minor, too) can make must never run one.
 */
export async function create(
	db: Kysely<DB>,
	name: string,
	options: { ownerId?: string | null } = {},
	now = Date.now()
): Promise<{ id: string; key: string }> {
	const id = newId('key');
	const key = KEY_PREFIX + randomToken(20);
	await db
		.insertInto('api_keys')
		.values({
			id,
			name,
			key_hash: hashKey(key),
			key_prefix: key.slice(0, KEY_PREFIX.length + 6),
			scopes: scopesOf({ account_id: options.ownerId ?? null }).join(' '),
			account_id: options.ownerId ?? null,
			created_at: now,
			last_used_at: null,
			revoked_at: null
		})
		.execute();
	return { id, key };
}

const byHash = template((db, args: { hash: string }) =>
	db.selectFrom('api_keys').select(summaryColumns).where('key_hash', '=', args.hash)
);

/** The live key that `key` is, or null for an unknown or revoked one. */
export async function authenticate(
	db: Kysely<DB>,
	key: string,
	now = Date.now()
): Promise<ApiKeySummary | null> {
	if (!key.startsWith(KEY_PREFIX) || key.length > 128) return null;
	const row = (await byHash.execute(db, { hash: hashKey(key) })).rows[0];
	if (!row || row.revoked_at !== null) return null;
	// Last use is shown to people, to the minute; writing it on every call would cost a write per purchase.
	if (row.last_used_at === null || now - row.last_used_at > TOUCH_EVERY) {
		await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
	}
	return row;
}

/** Every key (the operator's view), or only the keys one account owns. */
export function list(db: Kysely<DB>, ownerId?: string): Promise<ApiKeySummary[]> {
	let query = db.selectFrom('api_keys').select(summaryColumns).orderBy('created_at', 'desc');
	if (ownerId) query = query.where('account_id', '=', ownerId);
	return query.execute();
}

/**
 * Revokes a key (only one that `ownerId` owns, when given); false when there is no such key.
 * Revoking twice keeps the first time.
 */
export async function revoke(
	db: Kysely<DB>,
	id: string,
	ownerId?: string,
	now = Date.now()
): Promise<boolean> {
	let lookup = db.selectFrom('api_keys').select('id').where('id', '=', id);
	if (ownerId) lookup = lookup.where('account_id', '=', ownerId);
	if (!(await lookup.executeTakeFirst())) return false;
	await db
		.updateTable('api_keys')
		.set({ revoked_at: now })
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.execute();
	return true;
}

/** Revokes every live key that `ownerId` owns (after a password change); how many it revoked. */
export async function revokeOwnedBy(
	db: Kysely<DB>,
	ownerId: string,
	now = Date.now()
): Promise<number> {
	const result = await db
		.updateTable('api_keys')
		.set({ revoked_at: now })
		.where('account_id', '=', ownerId)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}
