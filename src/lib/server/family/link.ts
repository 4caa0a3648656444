import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import * as accounts from '../accounts';
import * as audit from './audit';
import { FamilyError } from './errors';
import { addMember, familyOf, inTransaction } from './store';
import { newId } from '../ids';

/**
 * The operator puts a guardian and a minor in one family (`admin add-to-family`): the guardian's
 * family, or the minor's, or a new one. Repeating it, or naming a second guardian for the same
 * minor, lands in the same family. Returns the family's id.
 */
export async function link(
	db: Kysely<DB>,
	guardianId: string,
	minorId: string,
	now = Date.now()
): Promise<string> {
	return inTransaction(db, async (trx) => {
		const [guardian, minor] = await Promise.all([
			accounts.get(trx, guardianId),
			accounts.get(trx, minorId)
		]);
		if (!guardian)
			throw new FamilyError('BAD_REQUEST', `no account with id ${guardianId}`, 'guardian');
		if (!minor) throw new FamilyError('BAD_REQUEST', `no account with id ${minorId}`, 'minor');
		if (guardian.is_minor) {
			throw new FamilyError(
				'BAD_REQUEST',
				`${guardianId} is a minor's account and cannot be a guardian`,
				'guardian'
			);
		}
		if (!minor.is_minor) {
			throw new FamilyError(
				'BAD_REQUEST',
				`${minorId} is not a minor's account (make one with create-user --minor)`,
				'minor'
			);
		}
		const [guardianFamily, minorFamily] = await Promise.all([
			familyOf(trx, guardianId),
			familyOf(trx, minorId)
		]);
		if (guardianFamily && minorFamily && guardianFamily.family.id !== minorFamily.family.id) {
			throw new FamilyError(
				'CONFLICT',
				`${guardianId} and ${minorId} are in different families (${guardianFamily.family.id}, ${minorFamily.family.id})`
			);
		}
		let familyId = guardianFamily?.family.id ?? minorFamily?.family.id;
		if (!familyId) {
			familyId = newId('fam');
			await trx
				.insertInto('families')
				.values({
					id: familyId,
					name: `${guardian.display_name}'s family`,
					created_at: now,
					approval_ttl_seconds: null
				})
				.execute();
			await audit.record(trx, {
				familyId,
				actorId: null,
				action: 'family.created',
				subjectId: guardianId,
				before: null,
				after: { name: `${guardian.display_name}'s family` },
				at: now
			});
		}
		for (const [account, role, current] of [
			[guardianId, 'guardian', guardianFamily],
			[minorId, 'minor', minorFamily]
		] as const) {
			if (current) continue;
			await addMember(trx, familyId, account, role, now);
			await audit.record(trx, {
				familyId,
				actorId: null,
				action: 'member.added',
				subjectId: account,
				before: null,
				after: { role },
				at: now
			});
		}
		return familyId;
	});
}
