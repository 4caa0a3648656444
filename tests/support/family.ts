import type { Kysely } from 'kysely';
import * as access from '../../src/lib/server/access';
import type { DB } from '../../src/lib/server/db/schema';
import * as family from '../../src/lib/server/family';
import { MINOR_RULES, type AccountRules } from '../../src/lib/schemas/rules';

/**
 * A guardian loosens a minor's safe defaults through the same service as the Controls page:
 * recharges no longer wait for approval (unless `asks` says so), and `rules` replace the
 * minor's defaults. For tests about what happens after that, such as limits of their own.
 */
export async function loosenMinor(
	db: Kysely<DB>,
	guardianId: string,
	minorId: string,
	change: { rules?: Partial<AccountRules>; asks?: { recharge: boolean; gift: boolean } } = {}
): Promise<void> {
	const guardian = await access.userActor(db, { id: guardianId, isMinor: false });
	await family.controls.setRules(
		db,
		guardian,
		minorId,
		{
			rules: { ...MINOR_RULES, ...change.rules },
			asks: change.asks ?? { recharge: false, gift: false }
		},
		Date.now()
	);
}
