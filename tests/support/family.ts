import type { Kysely } from 'kysely';
import * as access from '../../src/lib/server/access';
import * as sessions from '../../src/lib/server/auth/sessions';
import type { DB } from '../../src/lib/server/db/schema';
import * as family from '../../src/lib/server/family';
import { MINOR_RULES, type AccountRules } from '../../src/lib/schemas/rules';
import { signedInAccount } from './session';

export const MINOR_PASSWORD = 'a kid passphrase';
let made = 0;

/**
 * A guardian with a family of their own and one minor the guardian made from the Family page,
 * each signed in: `cookie` is the `Cookie` header a browser logged in as them would send. The
 * guardian's password is signedInAccount's, the minor's MINOR_PASSWORD.
 */
export async function household(
	db: Kysely<DB>,
	name: string,
	options: { familyName?: string; minorName?: string } = {}
) {
	const n = ++made;
	const guardian = await signedInAccount(db, `${name.toLowerCase()}-guardian-${n}@example.com`);
	const actorOf = () => access.userActor(db, { id: guardian.accountId, isMinor: false });
	const created = await family.create(db, await actorOf(), {
		name: options.familyName ?? `${name} family`
	});
	// The guardian is read again: they now belong to the family.
	const minor = await family.createMinor(db, await actorOf(), {
		email: `${name.toLowerCase()}-minor-${n}@example.com`,
		displayName: options.minorName ?? `${name} Kid ${n}`,
		password: MINOR_PASSWORD
	});
	const { token } = await sessions.create(db, minor.id, { userAgent: 'test', ip: null });
	return {
		familyId: created.id,
		guardian,
		child: {
			accountId: minor.id,
			name: minor.display_name,
			cookie: `${sessions.COOKIE_NAME}=${token}`
		}
	};
}

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
