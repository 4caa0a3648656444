import type { Kysely } from 'kysely';
import type { FamilyRole } from '../schemas/family';
import type { DB } from './db/schema';

// Who is acting, and the one place that decides what they may see and do. Every family load,
// form action and procedure names the object it touches and asks `require`; what the actor may
// not see or do answers not-found, so ids of other families' members reveal nothing.

/** A person acting through their session. Later: operator keys, personal keys. */
export interface UserActor {
	kind: 'user';
	accountId: string;
	isMinor: boolean;
	/** The family the user is in, and as what; null when in none. */
	family: { id: string; role: FamilyRole } | null;
}

export type Actor = UserActor;

/** The object is not there for this actor: unknown, or theirs to neither see nor touch. */
export class NotFoundError extends Error {
	constructor() {
		super('Not found.');
	}
}

type Rule = (db: Kysely<DB>, actor: Actor, objectId: string) => Promise<boolean> | boolean;

const guardianOf = (actor: Actor, familyId: string) =>
	actor.family?.id === familyId && actor.family.role === 'guardian';

/** Whether `minorId` is a minor of the family that `actor` is a guardian of. */
async function isGuardedMinor(db: Kysely<DB>, actor: Actor, minorId: string): Promise<boolean> {
	if (!actor.family || !guardianOf(actor, actor.family.id)) return false;
	const row = await db
		.selectFrom('family_members')
		.select('account_id')
		.where('account_id', '=', minorId)
		.where('family_id', '=', actor.family.id)
		.where('role', '=', 'minor')
		.executeTakeFirst();
	return row !== undefined;
}

/** Whether `accountId` is, as stored now, a guardian of `familyId`. */
async function isGuardianNow(db: Kysely<DB>, accountId: string, familyId: string) {
	const row = await db
		.selectFrom('family_members')
		.select('account_id')
		.where('account_id', '=', accountId)
		.where('family_id', '=', familyId)
		.where('role', '=', 'guardian')
		.executeTakeFirst();
	return row !== undefined;
}

/** The account whose purchase an approval request is about, or null when there is none. */
async function requester(db: Kysely<DB>, approvalId: string): Promise<string | null> {
	const row = await db
		.selectFrom('approval_requests')
		.select('account_id')
		.where('id', '=', approvalId)
		.executeTakeFirst();
	return row?.account_id ?? null;
}

/** Each permission, on the kind of object it names. A new permission is one more entry here. */
const RULES = {
	/** A family: its members see it. */
	'family.read': (_db, actor, familyId) => actor.family?.id === familyId,
	/** A family: its guardians add, invite and remove. */
	'family.manage': (_db, actor, familyId) => guardianOf(actor, familyId),
	/** A minor's account: the minor themself, or a guardian of their family. */
	'minor.read': (db, actor, minorId) =>
		(actor.isMinor && actor.accountId === minorId) || isGuardedMinor(db, actor, minorId),
	/** A minor's account: a guardian of their family only. */
	'minor.manage': (db, actor, minorId) => isGuardedMinor(db, actor, minorId),
	/**
	 * Another guardian of the actor's family, to remove: read from the database, not the actor,
	 * so that a guardian removed a moment ago (by the one they were removing) cannot go on.
	 */
	'guardian.remove': async (db, actor, guardianId) => {
		const familyId = actor.family?.id;
		if (!familyId || actor.isMinor || guardianId === actor.accountId) return false;
		return (
			(await isGuardianNow(db, actor.accountId, familyId)) &&
			(await isGuardianNow(db, guardianId, familyId))
		);
	},
	/** An approval request: the minor who asked, or a guardian of their family. */
	'approval.read': async (db, actor, approvalId) => {
		const minorId = await requester(db, approvalId);
		if (minorId === null) return false;
		return actor.accountId === minorId || isGuardedMinor(db, actor, minorId);
	},
	/** A purchase (an authorization): the account that made it, as the shop follows it. */
	'purchase.read': async (db, actor, authorizationId) => {
		const row = await db
			.selectFrom('authorizations')
			.select('account_id')
			.where('id', '=', authorizationId)
			.executeTakeFirst();
		return row?.account_id === actor.accountId;
	},
	/** A notification: its recipient only. */
	'notification.read': async (db, actor, notificationId) => {
		const row = await db
			.selectFrom('notifications')
			.select('account_id')
			.where('id', '=', notificationId)
			.executeTakeFirst();
		return row?.account_id === actor.accountId;
	},
	/** An approval request: only a guardian of the family of the minor who asked answers it. */
	'approval.decide': async (db, actor, approvalId) => {
		const minorId = await requester(db, approvalId);
		return minorId !== null && isGuardedMinor(db, actor, minorId);
	}
} satisfies Record<string, Rule>;

export type Permission = keyof typeof RULES;
export const PERMISSIONS = Object.keys(RULES) as Permission[];

/** Throws NotFoundError unless `actor` may do `permission` on the object `objectId`. */
export async function require(
	db: Kysely<DB>,
	actor: Actor,
	permission: Permission,
	objectId: string
): Promise<void> {
	const rule: Rule = RULES[permission];
	if (!(await rule(db, actor, objectId))) throw new NotFoundError();
}

/** The actor of a signed-in user, with the family they are in (one indexed read). */
export async function userActor(
	db: Kysely<DB>,
	user: { id: string; isMinor: boolean }
): Promise<UserActor> {
	const member = await db
		.selectFrom('family_members')
		.select(['family_id', 'role'])
		.where('account_id', '=', user.id)
		.executeTakeFirst();
	return {
		kind: 'user',
		accountId: user.id,
		isMinor: user.isMinor,
		family: member ? { id: member.family_id, role: member.role } : null
	};
}
