import type { Kysely } from 'kysely';
import { familyName, newMinor, type NewMinor } from '../../schemas/family';
import { firstError } from '../../schemas/account';
import * as access from '../access';
import * as accounts from '../accounts';
import type { Account, DB, Family } from '../db/schema';
import { newId } from '../ids';
import * as audit from './audit';
import { alreadyInFamily, FamilyError } from './errors';
import { addMember, inTransaction } from './store';
import * as notify from '../notify';

export { setApprovalWait } from './approval-wait';
export { FamilyError } from './errors';
export { removeGuardian } from './guardians';
export { invite, join, INVITE_TTL } from './invites';
export * as audit from './audit';
export * as controls from './controls';
export * as auditWords from './audit-words';
export { link } from './link';
export { familyOf } from './store';
export { members, type Member } from './members';
export { view, type FamilyView } from './view';

async function newFamily(trx: Kysely<DB>, name: string, now: number): Promise<Family> {
	return trx
		.insertInto('families')
		.values({ id: newId('fam'), name, created_at: now, approval_ttl_seconds: null })
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** An adult who is in no family creates one and becomes its guardian. */
export async function create(
	db: Kysely<DB>,
	adult: access.Actor,
	input: { name: string },
	now = Date.now()
): Promise<Family> {
	if (adult.isMinor) {
		throw new FamilyError(
			'FORBIDDEN',
			"A child's account cannot create a family: a guardian creates it and adds you."
		);
	}
	if (adult.family) throw alreadyInFamily();
	const name = familyName.safeParse(input.name);
	if (!name.success) throw new FamilyError('BAD_REQUEST', firstError(name.error).message, 'name');
	return inTransaction(db, async (trx) => {
		const family = await newFamily(trx, name.data, now);
		if (!(await addMember(trx, family.id, adult.accountId, 'guardian', now))) {
			throw alreadyInFamily(); // rolls the new family back
		}
		await audit.record(trx, {
			familyId: family.id,
			actorId: adult.accountId,
			action: 'family.created',
			subjectId: adult.accountId,
			before: null,
			after: { name: family.name, role: 'guardian' },
			at: now
		});
		return family;
	});
}

/** A guardian makes a child's account (is_minor) in their family; it starts in the family. */
export async function createMinor(
	db: Kysely<DB>,
	guardian: access.Actor,
	input: NewMinor,
	now = Date.now()
): Promise<Account> {
	await access.require(db, guardian, 'family.manage', guardian.family?.id ?? '');
	const familyId = guardian.family!.id;
	const parsed = newMinor.safeParse(input);
	if (!parsed.success) {
		const { field, message } = firstError(parsed.error);
		throw new FamilyError('BAD_REQUEST', message, field);
	}
	const { timeZone, currency, birthYear, ...names } = parsed.data;
	return inTransaction(db, async (trx) => {
		// A child lives where the guardian does unless told otherwise.
		const home = await accounts.get(trx, guardian.accountId);
		let minor: Account;
		try {
			minor = await accounts.create(
				trx,
				{
					...names,
					timeZone: timeZone ?? home!.time_zone,
					currency: currency ?? home!.currency,
					locale: home!.locale,
					isMinor: true,
					birthYear: birthYear ?? null
				},
				now
			);
		} catch (error) {
			if (error instanceof accounts.EmailTakenError) {
				throw new FamilyError(
					'CONFLICT',
					'An account with that e-mail address already exists. To add it, invite it with a code.',
					'email'
				);
			}
			throw error;
		}
		await addMember(trx, familyId, minor.id, 'minor', now);
		await audit.record(trx, {
			familyId,
			actorId: guardian.accountId,
			action: 'minor.created',
			subjectId: minor.id,
			before: null,
			after: { role: 'minor', displayName: minor.display_name, birthYear: minor.birth_year },
			at: now
		});
		return minor;
	});
}

/** A guardian takes a minor out of the family; the minor's account stays. */
export async function removeMinor(
	db: Kysely<DB>,
	guardian: access.Actor,
	minorId: string,
	now = Date.now()
): Promise<void> {
	await inTransaction(db, async (trx) => {
		// Checked in the transaction that removes, so a concurrent removal cannot slip between.
		await access.require(trx, guardian, 'minor.manage', minorId);
		const familyId = guardian.family!.id;
		await trx
			.deleteFrom('family_members')
			.where('account_id', '=', minorId)
			.where('family_id', '=', familyId)
			.execute();
		await audit.record(trx, {
			familyId,
			actorId: guardian.accountId,
			action: 'minor.removed',
			subjectId: minorId,
			before: { role: 'minor' },
			after: null,
			at: now
		});
		const removal = { familyId, memberId: minorId, byId: guardian.accountId, now };
		await notify.afterRemoval(trx, { ...removal, role: 'minor' });
	});
}
