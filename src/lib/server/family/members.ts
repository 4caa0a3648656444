import type { Kysely } from 'kysely';
import type { FamilyRole } from '../../schemas/family';
import type { DB } from '../db/schema';

export interface Member {
	accountId: string;
	displayName: string;
	email: string;
	role: FamilyRole;
	birthYear: number | null;
	joinedAt: number;
}

/** A family's members: guardians first, then minors, each in the order they joined. */
export async function members(db: Kysely<DB>, familyId: string): Promise<Member[]> {
	const rows = await db
		.selectFrom('family_members')
		.innerJoin('accounts', 'accounts.id', 'family_members.account_id')
		.select([
			'accounts.id',
			'accounts.display_name',
			'accounts.email',
			'accounts.birth_year',
			'family_members.role',
			'family_members.joined_at'
		])
		.where('family_members.family_id', '=', familyId)
		.orderBy('family_members.joined_at')
		.orderBy('accounts.id')
		.execute();
	const rank = (role: FamilyRole) => (role === 'guardian' ? 0 : 1);
	return rows
		.map((r) => ({
			accountId: r.id,
			displayName: r.display_name,
			email: r.email,
			role: r.role,
			birthYear: r.birth_year,
			joinedAt: r.joined_at
		}))
		.sort((a, b) => rank(a.role) - rank(b.role));
}
