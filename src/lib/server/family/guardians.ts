import type { Kysely } from 'kysely';
import * as access from '../access';
import type { DB } from '../db/schema';
import * as audit from './audit';
import { FamilyError } from './errors';
import { inTransaction } from './store';
import * as notify from '../notify';

// A guardian removes another guardian of the same family (a separation, a wrong invite). Never
// oneself and never the last guardian: a family without one would leave its minors unable to
// buy anything and nobody able to change that. A minor can remove nobody (access answers
// not-found for them).

/** Takes the family's row lock: changes to who guards a family go one at a time. */
async function lockFamily(trx: Kysely<DB>, familyId: string): Promise<void> {
	// A no-op UPDATE locks the row on PostgreSQL and takes SQLite's write lock: the same
	// serialization on both without naming the dialect.
	await trx
		.updateTable('families')
		.set((eb) => ({ name: eb.ref('name') }))
		.where('id', '=', familyId)
		.execute();
}

async function guardianCount(trx: Kysely<DB>, familyId: string): Promise<number> {
	const row = await trx
		.selectFrom('family_members')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('family_id', '=', familyId)
		.where('role', '=', 'guardian')
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function removeGuardian(
	db: Kysely<DB>,
	guardian: access.Actor,
	guardianId: string,
	now = Date.now()
): Promise<void> {
	if (guardianId === guardian.accountId && guardian.family?.role === 'guardian') {
		throw new FamilyError(
			'FORBIDDEN',
			'You cannot remove yourself: another guardian of the family can.'
		);
	}
	await inTransaction(db, async (trx) => {
		const familyId = guardian.family?.id ?? '';
		await lockFamily(trx, familyId);
		// Under the lock: two guardians removing each other at once cannot both pass.
		await access.require(trx, guardian, 'guardian.remove', guardianId);
		if ((await guardianCount(trx, familyId)) < 2) {
			throw new FamilyError('CONFLICT', 'A family keeps at least one guardian.');
		}
		await trx
			.deleteFrom('family_members')
			.where('account_id', '=', guardianId)
			.where('family_id', '=', familyId)
			.execute();
		// The log is how every guardian, the removed one included until now, learns of it.
		await audit.record(trx, {
			familyId,
			actorId: guardian.accountId,
			action: 'guardian.removed',
			subjectId: guardianId,
			before: { role: 'guardian' },
			after: null,
			at: now
		});
		const removal = { familyId, memberId: guardianId, byId: guardian.accountId, now };
		await notify.afterRemoval(trx, { ...removal, role: 'guardian' });
	});
}
