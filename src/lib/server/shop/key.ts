import type { Kysely } from 'kysely';
import * as apiKeys from '../auth/api-keys';
import type { DB } from '../db/schema';

// The shop pages call the purchase API as any outside flow does, with an operator key of
// their own. Each process makes one on first use and keeps the plaintext only in memory, so
// nothing secret sits in the database or the environment; a restart simply makes a new one.

const NAME = 'built-in shop';
/** A process's key is touched at least once a minute while it sells; a day of silence means it is gone. */
export const STALE_AFTER = 24 * 60 * 60_000;

let current: Promise<string> | null = null;

export function isBuiltIn(key: Pick<apiKeys.ApiKeySummary, 'name' | 'account_id'>): boolean {
	return key.account_id === null && key.name.startsWith(`${NAME} (`);
}

/** This process's key, made on first use. */
export function get(db: Kysely<DB>, now = Date.now()): Promise<string> {
	if (!current) {
		const made = apiKeys
			.create(db, `${NAME} (pid ${process.pid}, ${new Date(now).toISOString()})`)
			.then((created) => created.key);
		current = made;
		// A failed attempt is not cached: the next purchase tries again.
		made.catch(() => {
			if (current === made) current = null;
		});
	}
	return current;
}

/** Drops `key` (another process revoked it after a day of silence) so that the next use makes a new one. */
export async function forget(key: string): Promise<void> {
	const held = current;
	if (held && (await held.catch(() => null)) === key && current === held) current = null;
}

/** Revokes built-in shop keys unused for a day: those of processes that have stopped. */
export async function revokeStale(db: Kysely<DB>, now = Date.now()): Promise<number> {
	const stale = (await apiKeys.list(db)).filter(
		(key) =>
			isBuiltIn(key) &&
			key.revoked_at === null &&
			(key.last_used_at ?? key.created_at) <= now - STALE_AFTER
	);
	for (const key of stale) await apiKeys.revoke(db, key.id, undefined, now);
	return stale.length;
}
