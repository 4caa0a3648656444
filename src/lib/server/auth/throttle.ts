import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DB } from '../db/schema';

// Throttling of password checks (log-in per e-mail and per client address, the change-password
// form per account), kept in the database so that every app server sees the same counts. Each
// check first takes an attempt from its keys, in one atomic statement per key, so requests that
// arrive together cannot all pass a read-then-write check. Five attempts in a 15-minute window
// lock the key for one minute, and each further one doubles the wait, up to a day; a key that
// was locked is forgotten a day after its first attempt, not sooner.
export const FREE_FAILURES = 5;
const WINDOW = 15 * 60_000;
const FIRST_LOCK = 60_000;
const LONGEST_LOCK = 24 * 60 * 60_000;
const FORGET_LOCKED_AFTER = 24 * 60 * 60_000;

/** The e-mail's key first, then the client address's when there is one. */
export function keysFor(email: string, ip: string | null): [string, ...string[]] {
	const keys: [string, ...string[]] = [`email:${email.toLowerCase()}`];
	if (ip) keys.push(`ip:${ip}`);
	return keys;
}

export function accountKey(accountId: string): string {
	return `account:${accountId}`;
}

export function lockFor(failures: number): number {
	if (failures < FREE_FAILURES) return 0;
	return Math.min(LONGEST_LOCK, FIRST_LOCK * 2 ** (failures - FREE_FAILURES));
}

/** One attempt taken from a key, and the lock it set (null when the key stayed open). */
export interface Slot {
	key: string;
	lockedUntil: number | null;
}

export type Reservation =
	{ granted: true; slots: Slot[] } | { granted: false; retryAfterMinutes: number };

export function tooManyAttempts(minutes: number): string {
	return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

class Locked extends Error {}

// An open key's locked_until. Not `now`: requests run concurrently, and one whose clock was
// read a moment before another's would find that `now` still ahead and be refused.
const NEVER = 0;

/**
 * Takes one attempt from every key, all or none, before a password is checked. The attempt
 * counts as a failure until the caller gives it back (`giveBack`, `clear`) after a right
 * password; refused while any key is locked.
 */
export async function reserve(
	db: Kysely<DB>,
	keys: string[],
	now = Date.now()
): Promise<Reservation> {
	try {
		const slots = await db.transaction().execute(async (trx) => {
			const taken: Slot[] = [];
			for (const key of keys) {
				const slot = await take(trx, key, now);
				if (!slot) throw new Locked();
				taken.push(slot);
			}
			return taken;
		});
		return { granted: true, slots };
	} catch (error) {
		if (!(error instanceof Locked)) throw error;
	}
	const rows = await db
		.selectFrom('login_throttles')
		.select('locked_until')
		.where('key', 'in', keys)
		.execute();
	const wait = Math.max(0, ...rows.map((r) => r.locked_until - now));
	return { granted: false, retryAfterMinutes: Math.max(1, Math.ceil(wait / 60_000)) };
}

/** Counts one attempt on `key` unless it is locked; null when locked. */
async function take(trx: Kysely<DB>, key: string, now: number): Promise<Slot | null> {
	// An open key starts afresh once its window has passed; a key that has been locked only a
	// day after its window began, or each lock's end would give five more guesses at once and
	// the doubling would never get past a quarter of an hour.
	const fresh = (eb: ExpressionBuilder<DB, 'login_throttles'>) =>
		eb.and([
			eb('login_throttles.locked_until', '<=', now),
			eb.or([
				eb.and([
					eb('login_throttles.failures', '<', FREE_FAILURES),
					eb('login_throttles.window_started_at', '<', now - WINDOW)
				]),
				eb('login_throttles.window_started_at', '<', now - FORGET_LOCKED_AFTER)
			])
		]);
	// One statement: on PostgreSQL it waits for and locks a row that another request is
	// updating, on SQLite it runs under the write lock, so no two requests count the same slot.
	const row = await trx
		.insertInto('login_throttles')
		.values({ key, failures: 1, window_started_at: now, locked_until: NEVER })
		.onConflict((oc) =>
			oc
				.column('key')
				.doUpdateSet((eb) => ({
					failures: eb
						.case()
						.when(fresh(eb))
						.then(1)
						.else(eb('login_throttles.failures', '+', 1))
						.end(),
					window_started_at: eb
						.case()
						.when(fresh(eb))
						.then(now)
						.else(eb.ref('login_throttles.window_started_at'))
						.end()
				}))
				.where('login_throttles.locked_until', '<=', now)
		)
		.returning('failures')
		.executeTakeFirst();
	if (!row) return null;
	const lock = lockFor(row.failures);
	if (lock === 0) return { key, lockedUntil: null };
	const lockedUntil = now + lock;
	await trx
		.updateTable('login_throttles')
		.set({ locked_until: lockedUntil })
		.where('key', '=', key)
		.execute();
	return { key, lockedUntil };
}

/**
 * Gives back the attempts that `keys` lent to a right password, with the lock they set: such an
 * attempt never counts. A lock that a later attempt set stays, as it stands for a failure.
 */
export async function giveBack(
	db: Kysely<DB>,
	reservation: { slots: Slot[] },
	keys: string[]
): Promise<void> {
	for (const slot of reservation.slots.filter((s) => keys.includes(s.key))) {
		const { lockedUntil } = slot;
		await db
			.updateTable('login_throttles')
			.set((eb) => ({
				failures: eb('failures', '-', 1),
				// Open when taken (or it would have been refused): open again, unless a later
				// failure has set a lock of its own since.
				...(lockedUntil === null
					? {}
					: {
							locked_until: eb
								.case()
								.when('locked_until', '=', lockedUntil)
								.then(NEVER)
								.else(eb.ref('locked_until'))
								.end()
						})
			}))
			.where('key', '=', slot.key)
			.where('failures', '>', 0)
			.execute();
	}
}

export async function clear(db: Kysely<DB>, key: string): Promise<void> {
	await db.deleteFrom('login_throttles').where('key', '=', key).execute();
}
