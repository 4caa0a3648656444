import type { Kysely } from 'kysely';
import type { FamilyRole } from '../../schemas/family';
import type { DB, Family } from '../db/schema';

/** Runs `work` in a transaction, or in the caller's when `db` is one already. */
export { inTransaction } from '../db/transaction';

/** Adds `accountId` to a family, or returns false when the account is in one already. */
export async function addMember(
	trx: Kysely<DB>,
	familyId: string,
	accountId: string,
	role: FamilyRole,
	now: number
): Promise<boolean> {
	// The primary key decides: a check first would race with a concurrent join.
	const added = await trx
		.insertInto('family_members')
		.values({ family_id: familyId, account_id: accountId, role, joined_at: now })
		.onConflict((oc) => oc.column('account_id').doNothing())
		.returning('account_id')
		.executeTakeFirst();
	return added !== undefined;
}

/** The family an account is in, and its role there; null when it is in none. */
export async function familyOf(
	db: Kysely<DB>,
	accountId: string
): Promise<{ family: Family; role: FamilyRole } | null> {
	const row = await db
		.selectFrom('family_members')
		.innerJoin('families', 'families.id', 'family_members.family_id')
		.selectAll('families')
		.select('family_members.role')
		.where('family_members.account_id', '=', accountId)
		.executeTakeFirst();
	if (!row) return null;
	const { role, ...family } = row;
	return { family, role };
}
