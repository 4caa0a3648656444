import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { AUTHORIZATION_COLUMNS, type DB } from '../db/schema';
import { template } from '../db/template';
import { writeTransaction } from '../db/transaction';
import * as notify from '../notify';
import * as lock from './lock';
import * as states from './states';
import { apply } from './transition';

const dueQuery = template((trx, args: { accountId: string; now: number }) =>
	trx
		.selectFrom('authorizations')
		.select(AUTHORIZATION_COLUMNS)
		.where('account_id', '=', args.accountId)
		.where('status', 'in', states.LIVE)
		.where('expires_at', '<=', args.now)
);

/** Expires an account's holds and approval requests whose time is up (inside its lock). */
export async function dueForAccount(
	trx: Kysely<DB>,
	accountId: string,
	now: number
): Promise<number> {
	const { rows: due } = await dueQuery.execute(trx, { accountId, now });
	let expired = 0;
	for (const auth of due) {
		if (!(await apply(trx, auth, 'expire', now))) continue;
		expired++;
		await notify.afterExpiry(trx, auth, now);
	}
	return expired;
}

/** The background sweep: expires what is due across all accounts, one account per transaction. */
export async function sweep(database: Database, now = Date.now(), batch = 500): Promise<number> {
	const accounts = await database.db
		.selectFrom('authorizations')
		.select('account_id')
		.distinct()
		.where('status', 'in', states.LIVE)
		.where('expires_at', '<=', now)
		.limit(batch)
		.execute();
	let expired = 0;
	for (const { account_id } of accounts) {
		expired += await writeTransaction(database, async (trx) => {
			await lock.account(trx, database, account_id, now);
			return dueForAccount(trx, account_id, now);
		});
	}
	return expired;
}
