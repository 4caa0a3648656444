import type { Kysely } from 'kysely';
import type { AuditEntry, DB } from '../db/schema';
import { newId } from '../ids';

/**
 * What the family audit log records. Later features add limit changes, approval decisions and
 * ended sessions; the table has no CHECK on it, so adding one needs no migration.
 */
export const AUDIT_ACTIONS = [
	'family.created',
	'member.joined',
	'member.added',
	'minor.created',
	'minor.removed',
	'approval.approved',
	'approval.denied',
	'family.approval_wait_changed',
	'rules.changed',
	'standing.added',
	'standing.ended'
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
