import type { Kysely } from 'kysely';
import type { Person } from '$lib/schemas/notifications';
import type { DB } from '../db/schema';

/** A minor (by their place in a family) and the guardians of that family. */
export interface Household {
	minor: Person;
	guardians: Person[];
}

/**
 * The household of `accountId` when it is a minor in a family, else null: notices are about
 * minors and go to their guardians. One indexed read, the common case (no family) included.
 */
export async function householdOf(db: Kysely<DB>, accountId: string): Promise<Household | null> {
	const rows = await db
		.selectFrom('family_members as m')
		.innerJoin('accounts as ma', 'ma.id', 'm.account_id')
		.innerJoin('family_members as g', (join) =>
			join.onRef('g.family_id', '=', 'm.family_id').on('g.role', '=', 'guardian')
		)
		.innerJoin('accounts as ga', 'ga.id', 'g.account_id')
		.select([
			'ma.display_name as minor_name',
			'ga.id as guardian_id',
			'ga.display_name as guardian_name'
		])
		.where('m.account_id', '=', accountId)
		.where('m.role', '=', 'minor')
		.orderBy('g.joined_at')
		.execute();
	if (rows.length === 0) return null;
	return {
		minor: { id: accountId, name: rows[0]!.minor_name },
		guardians: rows.map((r) => ({ id: r.guardian_id, name: r.guardian_name }))
	};
}
