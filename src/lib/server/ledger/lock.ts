import type { Kysely } from 'kysely';
import type { Database } from '../db';
import type { DB } from '../db/schema';
import { template } from '../db/template';
import * as accountRules from '../policy/account-rules';
import * as states from './states';
import type { Wallet } from '../policy/decide';

/**
 * The account, its family's approval wait, its rules and whether a minor has a guardian. It
 * runs in every authorization and building it (joins, a CASE and a subquery) cost more than
 * running it, so it is a template: built once per dialect.
 */
const accountQuery = template((trx, args: { accountId: string; now: number }, dialect) => {
	const query = trx
		.selectFrom('accounts')
		.leftJoin('family_members', 'family_members.account_id', 'accounts.id')
		.leftJoin('families', 'families.id', 'family_members.family_id')
		.leftJoin('account_rules', 'account_rules.account_id', 'accounts.id')
		.select((eb) => [
			'accounts.id',
			'accounts.time_zone',
			'accounts.is_minor',
			'accounts.coin_balance',
			'accounts.gift_coins_on_hold',
			'families.approval_ttl_seconds',
			'account_rules.purchases_blocked',
			'account_rules.gifting_allowed',
			'account_rules.channels',
			'account_rules.quiet_start',
			'account_rules.quiet_end',
			// Asked only of a minor: whether anyone can answer for them.
			eb
				.case()
				.when('accounts.is_minor', '=', 1)
				.then(
					eb.exists(
						eb
							.selectFrom('family_members as guardians')
							.select('guardians.account_id')
							.whereRef('guardians.family_id', '=', 'family_members.family_id')
							.where('guardians.role', '=', 'guardian')
					)
				)
				.else(eb.lit(false))
				.end()
				.as('has_guardian'),
			// Whether a hold or request is past its time, so that expiring them costs a query
			// only when there is something to expire.
			eb
				.exists(
					eb
						.selectFrom('authorizations as due')
						.select('due.id')
						.whereRef('due.account_id', '=', 'accounts.id')
						.where('due.status', 'in', states.LIVE)
						.where('due.expires_at', '<=', args.now)
				)
				.as('has_due')
		])
		.where('accounts.id', '=', args.accountId);
	// Only the account row: PostgreSQL cannot lock the nullable side of an outer join.
	return dialect === 'postgres' ? query.forUpdate('accounts') : query;
});

/**
 * Reads the account inside the lock that serializes everything that moves its holds and
 * totals: on PostgreSQL the account row (FOR UPDATE); SQLite's BEGIN IMMEDIATE already
 * serializes every writer. The family's approval wait, the account's rules and whether a
 * minor has a guardian come along in the same read, so deciding costs no extra query for them.
 */
export async function account(
	trx: Kysely<DB>,
	database: Database,
	accountId: string,
	now = Date.now()
) {
	// The dialect is passed, not looked up: on PostgreSQL the lock depends on it.
	const result = await accountQuery.execute(trx, { accountId, now }, database.dialect);
	const row = result.rows[0];
	if (!row) return undefined;
	const { purchases_blocked, gifting_allowed, channels, quiet_start, quiet_end, has_due, ...rest } =
		row;
	return {
		...rest,
		// SQLite answers 0 or 1, PostgreSQL a boolean.
		hasDue: Boolean(has_due),
		rules: accountRules.fromRow({
			purchases_blocked,
			gifting_allowed,
			channels,
			quiet_start,
			quiet_end
		}),
		// SQLite answers 0 or 1, PostgreSQL a boolean.
		minor: rest.is_minor === 1 ? { hasGuardian: Boolean(rest.has_guardian) } : null
	};
}

export type LockedAccount = NonNullable<Awaited<ReturnType<typeof account>>>;

export async function wallet(trx: Kysely<DB>, accountId: string): Promise<Wallet> {
	const row = await trx
		.selectFrom('accounts')
		.select(['coin_balance', 'gift_coins_on_hold'])
		.where('id', '=', accountId)
		.executeTakeFirstOrThrow();
	return { balance: row.coin_balance, onHold: row.gift_coins_on_hold };
}
