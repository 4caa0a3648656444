import type { Kysely } from 'kysely';
import type { FamilyRole } from '../../schemas/family';
import * as access from '../access';
import type { DB } from '../db/schema';
import { members } from './members';
import { familyOf } from './store';

export interface FamilyView {
	family: { id: string; name: string; role: FamilyRole } | null;
	/** Guardians see every member; a minor sees who looks after them. */
	members: {
		accountId: string;
		displayName: string;
		email: string;
		role: FamilyRole;
		birthYear: number | null;
	}[];
}

/** The family as `actor` may see it: the Family page and `family.get` show the same. */
export async function view(db: Kysely<DB>, actor: access.Actor): Promise<FamilyView> {
	if (!actor.family) return { family: null, members: [] };
	await access.require(db, actor, 'family.read', actor.family.id);
	const role = actor.family.role;
	const [found, everyone] = await Promise.all([
		familyOf(db, actor.accountId),
		members(db, actor.family.id)
	]);
	return {
		family: { id: actor.family.id, name: found!.family.name, role },
		members: everyone
			.filter((m) => role === 'guardian' || m.role === 'guardian')
			.map(({ accountId, displayName, email, role, birthYear }) => ({
				accountId,
				displayName,
				email,
				role,
				birthYear
			}))
	};
}
