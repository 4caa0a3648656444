import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

// Log-in throttling per e-mail and per client address, kept in the database so that every
// app server sees the same counts. Five failures in a 15-minute window lock the key for one
// minute, and each further failure doubles the wait, up to a day.
export const FREE_FAILURES = 5;
const WINDOW = 15 * 60_000;
const FIRST_LOCK = 60_000;
const LONGEST_LOCK = 24 * 60 * 60_000;

export function keysFor(email: string, ip: string | null): string[] {
	const keys = [`email:${email.toLowerCase()}`];
	if (ip) keys.push(`ip:${ip}`);
	return keys;
}

/** Milliseconds until a log-in may be tried again, or 0 when it may be tried now. */
export async function waitFor(db: Kysely<DB>, keys: string[], now = Date.now()): Promise<number> {
	const rows = await db
		.selectFrom('login_throttles')
		.select('locked_until')
		.where('key', 'in', keys)
		.execute();
	return Math.max(0, ...rows.map((r) => r.locked_until - now));
}

export function lockFor(failures: number): number {
	if (failures < FREE_FAILURES) return 0;
	return Math.min(LONGEST_LOCK, FIRST_LOCK * 2 ** (failures - FREE_FAILURES));
}

export async function recordFailure(
	db: Kysely<DB>,
	keys: string[],
	now = Date.now()
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		for (const key of keys) {
			const row = await trx
				.selectFrom('login_throttles')
				.selectAll()
				.where('key', '=', key)
				.executeTakeFirst();
			// A key that has been quiet for a whole window (and is not locked) starts afresh.
			const fresh = !row || (now - row.window_started_at > WINDOW && row.locked_until <= now);
			const failures = fresh ? 1 : row.failures + 1;
			const values = {
				failures,
				window_started_at: fresh ? now : row.window_started_at,
				locked_until: now + lockFor(failures)
			};
			if (row)
				await trx.updateTable('login_throttles').set(values).where('key', '=', key).execute();
			else
				await trx
					.insertInto('login_throttles')
					.values({ key, ...values })
					.execute();
		}
	});
}

export async function clear(db: Kysely<DB>, key: string): Promise<void> {
	await db.deleteFrom('login_throttles').where('key', '=', key).execute();
}
