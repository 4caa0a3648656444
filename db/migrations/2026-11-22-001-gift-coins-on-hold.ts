import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// The coins of an account's gifts on hold (held or waiting for a guardian), kept in the
	// same transaction as the hold, so a gift is checked against the balance without a sum.
	await db.schema
		.alterTable('accounts')
		.addColumn('gift_coins_on_hold', 'bigint', (c) =>
			c
				.notNull()
				.defaultTo(0)
				.check(sql`gift_coins_on_hold >= 0`)
		)
		.execute();
	await sql`
		update accounts set gift_coins_on_hold = coalesce((
			select sum(coins) from authorizations a
			where a.account_id = accounts.id and a.kind = 'gift'
				and a.status in ('held', 'pending_approval')
		), 0)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('accounts').dropColumn('gift_coins_on_hold').execute();
}
