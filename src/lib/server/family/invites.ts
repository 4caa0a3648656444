import type { Kysely } from 'kysely';
import { familyRole, inviteCode, type FamilyRole } from '../../schemas/family';
import * as access from '../access';
import type { DB } from '../db/schema';
import { newId, randomToken } from '../ids';
import * as audit from './audit';
import { alreadyInFamily, FamilyError } from './errors';
import { addMember, inTransaction } from './store';
import { sha256Hex } from '../hash';

// A code carries 80 random bits and works once, for a week: like an API key it is stored as a
// plain SHA-256, since there is nothing to brute-force.
export const INVITE_TTL = 7 * 24 * 60 * 60_000;

const hashCode = (normalized: string) => sha256Hex(normalized);

/** `abcdefgh…` → `ABCD-EFGH-…`: easier to read out and type; `join` ignores case and dashes. */
const spaced = (code: string) =>
	code
		.toUpperCase()
		.match(/.{1,4}/g)!
		.join('-');

/** A guardian makes a one-time code that lets one account join the family as `role`. */
export async function invite(
	db: Kysely<DB>,
	guardian: access.Actor,
	role: FamilyRole,
	now = Date.now()
): Promise<{ code: string; role: FamilyRole; expiresAt: number }> {
	await access.require(db, guardian, 'family.manage', guardian.family?.id ?? '');
	const parsedRole = familyRole.safeParse(role);
	if (!parsedRole.success) {
		throw new FamilyError('BAD_REQUEST', parsedRole.error.issues[0]!.message, 'role');
	}
	const code = randomToken(10);
	const expiresAt = now + INVITE_TTL;
	await db
		.insertInto('family_invites')
		.values({
			id: newId('inv'),
			code_hash: hashCode(code),
			family_id: guardian.family!.id,
			role: parsedRole.data,
			created_by: guardian.accountId,
			created_at: now,
			expires_at: expiresAt,
			used_at: null,
			used_by: null
		})
		.execute();
	return { code: spaced(code), role: parsedRole.data, expiresAt };
}

const codeRefused = () =>
	new FamilyError(
		'BAD_REQUEST',
		'That code does not work: it may be mistyped, used already or expired. Ask a guardian for a new one.',
		'code'
	);

/**
 * An account in no family joins one with a code: a child's account only as a minor, an adult's
 * only as a guardian. The code is claimed by one conditional update, so of two uses at once
 * exactly one joins; a refused join leaves the code unused.
 */
export async function join(
	db: Kysely<DB>,
	account: access.Actor,
	code: string,
	now = Date.now()
): Promise<{ familyId: string; role: FamilyRole }> {
	const parsed = inviteCode.safeParse(code);
	if (!parsed.success) {
		throw new FamilyError('BAD_REQUEST', parsed.error.issues[0]!.message, 'code');
	}
	if (account.family) throw alreadyInFamily();
	const role: FamilyRole = account.isMinor ? 'minor' : 'guardian';
	return inTransaction(db, async (trx) => {
		const claimed = await trx
			.updateTable('family_invites')
			.set({ used_at: now, used_by: account.accountId })
			.where('code_hash', '=', hashCode(parsed.data))
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.where('role', '=', role)
			.returning(['family_id'])
			.executeTakeFirst();
		if (!claimed) throw await whyRefused(trx, parsed.data, role);
		if (!(await addMember(trx, claimed.family_id, account.accountId, role, now))) {
			throw alreadyInFamily(); // rolls the claim back: the code stays unused
		}
		await audit.record(trx, {
			familyId: claimed.family_id,
			actorId: account.accountId,
			action: 'member.joined',
			subjectId: account.accountId,
			before: null,
			after: { role },
			at: now
		});
		return { familyId: claimed.family_id, role };
	});
}

/** The refusal for a code that could not be claimed as `role`. */
async function whyRefused(trx: Kysely<DB>, normalized: string, role: FamilyRole) {
	const row = await trx
		.selectFrom('family_invites')
		.select('role')
		.where('code_hash', '=', hashCode(normalized))
		.executeTakeFirst();
	// A live code for the other role: say so, so the holder asks for the right one.
	if (!row || row.role === role) return codeRefused();
	return role === 'minor'
		? new FamilyError(
				'FORBIDDEN',
				"That code is for a guardian. A child's account joins with a child's code.",
				'code'
			)
		: new FamilyError(
				'BAD_REQUEST',
				"That code is for a child's account. Ask a guardian for a guardian's code.",
				'code'
			);
}
