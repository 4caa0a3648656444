import type { Kysely } from 'kysely';
import type { AuditEntry, DB } from '../db/schema';
import { newId } from '../ids';

/**
 * What the family audit log records. The table has no CHECK on it, so adding one needs no
 * migration; the audit page needs one label for it (audit-words.ts: LABELS).
 */
export const AUDIT_ACTIONS = [
	'family.created',
	'member.joined',
	'member.added',
	'minor.created',
	'minor.removed',
	'guardian.removed',
	'approval.approved',
	'approval.denied',
	'family.approval_wait_changed',
	'rules.changed',
	'standing.added',
	'standing.ended',
	'limit.added',
	'limit.changed',
	'limit.raise_scheduled',
	'limit.removed',
	'limit.change_cancelled',
	'session.logged_out',
	'session.ended',
	'sessions.revoked'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
	familyId: string;
	/** Null when the operator acted. */
	actorId: string | null;
	action: AuditAction;
	subjectId: string | null;
	before: unknown;
	after: unknown;
	at: number;
}

const json = (value: unknown) =>
	value === null || value === undefined ? null : JSON.stringify(value);

/** Records one change; call it in the transaction that makes the change. */
export async function record(db: Kysely<DB>, entry: AuditInput): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			id: newId('aud'),
			family_id: entry.familyId,
			actor_id: entry.actorId,
			action: entry.action,
			subject_id: entry.subjectId,
			before: json(entry.before),
			after: json(entry.after),
			at: entry.at
		})
		.execute();
}

/**
 * Records a change to `accountId` (its limits, its sessions) in the log of the family it is in;
 * nothing when it is in none. Call it in the transaction that makes the change.
 */
export async function recordForAccount(
	db: Kysely<DB>,
	accountId: string,
	entry: Omit<AuditInput, 'familyId'>
): Promise<void> {
	const member = await db
		.selectFrom('family_members')
		.select('family_id')
		.where('account_id', '=', accountId)
		.executeTakeFirst();
	if (member) await record(db, { ...entry, familyId: member.family_id });
}

/** A family's log, newest first. */
export function list(db: Kysely<DB>, familyId: string): Promise<AuditEntry[]> {
	return db
		.selectFrom('audit_log')
		.selectAll()
		.where('family_id', '=', familyId)
		.orderBy('at', 'desc')
		.orderBy('id')
		.execute();
}

export interface Cursor {
	at: number;
	id: string;
}

/** One entry as the audit page reads it: with the names of who acted and whom it is about. */
export interface PageEntry extends AuditEntry {
	actor_name: string | null;
	subject_name: string | null;
}

/**
 * One page of a family's log, newest first, continuing after `before` (keyset paging, so a
 * long log costs the same per page). `about` narrows it to the entries a minor may read: those
 * they did or that are about them.
 */
export async function page(
	db: Kysely<DB>,
	familyId: string,
	options: { limit: number; before?: Cursor | null; about?: string | null }
): Promise<{ rows: PageEntry[]; next: Cursor | null }> {
	let query = db
		.selectFrom('audit_log as l')
		.leftJoin('accounts as who', 'who.id', 'l.actor_id')
		.leftJoin('accounts as whom', 'whom.id', 'l.subject_id')
		.selectAll('l')
		.select(['who.display_name as actor_name', 'whom.display_name as subject_name'])
		.where('l.family_id', '=', familyId)
		.orderBy('l.at', 'desc')
		.orderBy('l.id', 'desc')
		.limit(options.limit + 1);
	const { before, about } = options;
	if (about) {
		query = query.where((eb) =>
			eb.or([eb('l.actor_id', '=', about), eb('l.subject_id', '=', about)])
		);
	}
	if (before) {
		query = query.where((eb) =>
			eb.or([
				eb('l.at', '<', before.at),
				eb.and([eb('l.at', '=', before.at), eb('l.id', '<', before.id)])
			])
		);
	}
	const rows = await query.execute();
	const more = rows.length > options.limit;
	if (more) rows.pop();
	const last = rows.at(-1);
	return { rows, next: more && last ? { at: last.at, id: last.id } : null };
}
