import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Kysely } from 'kysely';
import type { DB, Session } from '../db/schema';
import { randomToken } from '../ids';
import { sha256Hex } from '../hash';

// Lucia's design: the cookie holds `<id>.<secret>`; the database holds the id and the
// SHA-256 of the secret, compared in constant time. A stolen database yields no token.
const DAY = 86_400_000;
export const SESSION_TTL = 30 * DAY;
export const SESSION_ABSOLUTE_LIMIT = 90 * DAY;
const RENEW_WHEN_LEFT = 15 * DAY;
const TOUCH_EVERY = 60_000;

export const COOKIE_NAME = 'cg_session';
const TOKEN_SHAPE = /^[a-z2-7]{1,64}\.[a-z2-7]{1,64}$/;

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	timeZone: string;
	currency: string;
	/** Language and number format of the user's pages (see $lib/format). */
	locale: string;
	isMinor: boolean;
}

export interface SessionInfo {
	id: string;
	expiresAt: number;
	/** When the password was last typed in this session (log-in or re-entry); null: never recorded. */
	passwordAt: number | null;
}

export interface Device {
	userAgent: string | null;
	ip: string | null;
}

function hashSecret(secret: string): string {
	return sha256Hex(secret);
}

export async function create(
	db: Kysely<DB>,
	accountId: string,
	device: Device,
	now = Date.now()
): Promise<{ token: string; session: SessionInfo }> {
	const id = randomToken(15);
	const secret = randomToken(20); // 160 bits
	const expiresAt = now + SESSION_TTL;
	await db
		.insertInto('sessions')
		.values({
			id,
			secret_hash: hashSecret(secret),
			account_id: accountId,
			created_at: now,
			expires_at: expiresAt,
			last_used_at: now,
			user_agent: device.userAgent?.slice(0, 512) ?? null,
			ip: device.ip,
			// A session starts with the password just typed (log-in, sign-up).
			password_at: now
		})
		.execute();
	return { token: `${id}.${secret}`, session: { id, expiresAt, passwordAt: now } };
}

/** The session and user a cookie token stands for, renewing the session when half used. */
export async function validate(
	db: Kysely<DB>,
	token: string,
	now = Date.now()
): Promise<{ session: SessionInfo; user: SessionUser } | null> {
	// Anything but two base32 parts (as `randomToken` makes) is no session, and never reaches
	// the database: a NUL or other stray byte in a cookie is just a bad cookie.
	if (!TOKEN_SHAPE.test(token)) return null;
	const [id, secret] = token.split('.') as [string, string];
	const row = await db
		.selectFrom('sessions')
		.innerJoin('accounts', 'accounts.id', 'sessions.account_id')
		.select([
			'sessions.secret_hash',
			'sessions.created_at',
			'sessions.expires_at',
			'sessions.last_used_at',
			'sessions.password_at',
			'accounts.id as account_id',
			'accounts.email',
			'accounts.display_name',
			'accounts.time_zone',
			'accounts.currency',
			'accounts.locale',
			'accounts.is_minor'
		])
		.where('sessions.id', '=', id)
		.executeTakeFirst();
	if (!row) return null;
	const given = new TextEncoder().encode(hashSecret(secret));
	if (!constantTimeEqual(given, new TextEncoder().encode(row.secret_hash))) return null;
	const hardLimit = row.created_at + SESSION_ABSOLUTE_LIMIT;
	if (now >= row.expires_at || now >= hardLimit) {
		await destroy(db, id);
		return null;
	}
	let expiresAt = row.expires_at;
	const renew = expiresAt - now < RENEW_WHEN_LEFT;
	if (renew) expiresAt = Math.min(now + SESSION_TTL, hardLimit);
	if (renew || now - row.last_used_at > TOUCH_EVERY) {
		await db
			.updateTable('sessions')
			.set({ expires_at: expiresAt, last_used_at: now })
			.where('id', '=', id)
			.execute();
	}
	return {
		session: { id, expiresAt, passwordAt: row.password_at },
		user: {
			id: row.account_id,
			email: row.email,
			displayName: row.display_name,
			timeZone: row.time_zone,
			currency: row.currency,
			locale: row.locale,
			isMinor: row.is_minor === 1
		}
	};
}

/** Records that the session's owner has just typed their password again. */
export async function passwordEntered(
	db: Kysely<DB>,
	sessionId: string,
	now = Date.now()
): Promise<void> {
	await db.updateTable('sessions').set({ password_at: now }).where('id', '=', sessionId).execute();
}

export async function destroy(db: Kysely<DB>, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends one of the account's sessions; false when it is not theirs or already gone. */
export async function destroyOwned(
	db: Kysely<DB>,
	accountId: string,
	sessionId: string
): Promise<boolean> {
	const result = await db
		.deleteFrom('sessions')
		.where('id', '=', sessionId)
		.where('account_id', '=', accountId)
		.executeTakeFirst();
	return result.numDeletedRows > 0n;
}

export async function destroyAllExcept(
	db: Kysely<DB>,
	accountId: string,
	keepSessionId: string | null
): Promise<void> {
	let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
	if (keepSessionId) query = query.where('id', '<>', keepSessionId);
	await query.execute();
}

export async function listActive(
	db: Kysely<DB>,
	accountId: string,
	now = Date.now()
): Promise<Omit<Session, 'secret_hash' | 'password_at'>[]> {
	return db
		.selectFrom('sessions')
		.select(['id', 'account_id', 'created_at', 'expires_at', 'last_used_at', 'user_agent', 'ip'])
		.where('account_id', '=', accountId)
		.where('expires_at', '>', now)
		.orderBy('last_used_at', 'desc')
		.execute();
}
