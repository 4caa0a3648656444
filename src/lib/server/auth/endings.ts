import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import * as audit from '../family/audit';
import { describeDevice } from './device';

// Sessions ended by a person (log out, "end this session", a password change), with the entry
// that the family audit log keeps of it when the account is in a family: a guardian sees when
// a minor's devices were logged out, and by whom. Sessions that expire are not logged.

function ending(db: Kysely<DB>, accountId: string) {
	return db.deleteFrom('sessions').where('account_id', '=', accountId).returning('user_agent');
}

const inTransaction = <T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>) =>
	db.isTransaction ? work(db) : db.transaction().execute(work);

/** The owner logs out of this session. */
export async function logOut(
	db: Kysely<DB>,
	session: { id: string; accountId: string },
	now = Date.now()
): Promise<void> {
	await inTransaction(db, async (trx) => {
		const ended = await ending(trx, session.accountId)
			.where('id', '=', session.id)
			.executeTakeFirst();
		if (!ended) return;
		await audit.recordForAccount(trx, session.accountId, {
			actorId: session.accountId,
			action: 'session.logged_out',
			subjectId: session.accountId,
			before: { device: describeDevice(ended.user_agent) },
			after: null,
			at: now
		});
	});
}

/** The owner ends another of their sessions (Settings); false when not theirs or gone. */
export async function endOne(
	db: Kysely<DB>,
	accountId: string,
	sessionId: string,
	now = Date.now()
): Promise<boolean> {
	return inTransaction(db, async (trx) => {
		const ended = await ending(trx, accountId).where('id', '=', sessionId).executeTakeFirst();
		if (!ended) return false;
		await audit.recordForAccount(trx, accountId, {
			actorId: accountId,
			action: 'session.ended',
			subjectId: accountId,
			before: { device: describeDevice(ended.user_agent) },
			after: null,
			at: now
		});
		return true;
	});
}

/** A password change ends every other session of the account; the count of them. */
export async function revokeOthers(
	db: Kysely<DB>,
	accountId: string,
	keepSessionId: string,
	now = Date.now()
): Promise<number> {
	return inTransaction(db, async (trx) => {
		const ended = await ending(trx, accountId).where('id', '<>', keepSessionId).execute();
		if (ended.length === 0) return 0;
		await audit.recordForAccount(trx, accountId, {
			actorId: accountId,
			action: 'sessions.revoked',
			subjectId: accountId,
			before: { sessions: ended.length },
			after: { sessions: 0, reason: 'password changed' },
			at: now
		});
		return ended.length;
	});
}
