import { sql, type Kysely } from 'kysely';

// Times are epoch milliseconds (bigint) on both dialects: one representation, compared as
// numbers, converted to Date only at the edges. Money is integer minor units plus a code.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('accounts')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('time_zone', 'text', (c) => c.notNull())
		.addColumn('currency', 'text', (c) => c.notNull())
		.addColumn('birth_year', 'integer')
		.addColumn('is_minor', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('coin_balance', 'bigint', (c) => c.notNull().defaultTo(0))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'text', (c) => c.notNull())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint', (c) => c.notNull())
		.addColumn('user_agent', 'text')
		.addColumn('ip', 'text')
		.execute();
	await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

	await db.schema
		.createTable('api_keys')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('key_hash', 'text', (c) => c.notNull().unique())
		.addColumn('key_prefix', 'text', (c) => c.notNull())
		.addColumn('scopes', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint')
		.addColumn('revoked_at', 'bigint')
		.execute();

	await db.schema
		.createTable('creators')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('handle', 'text', (c) => c.unique())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('first_seen_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('coin_packs')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('coins', 'integer', (c) => c.notNull().check(sql`coins > 0`))
		.addColumn('price_amount', 'bigint', (c) => c.notNull().check(sql`price_amount >= 0`))
		.addColumn('currency', 'text', (c) => c.notNull())
		.addUniqueConstraint('coin_packs_currency_coins', ['currency', 'coins'])
		.execute();

	await db.schema
		.createTable('gifts')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull().unique())
		.addColumn('coins', 'integer', (c) => c.notNull().check(sql`coins > 0`))
		.addColumn('emoji', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('ledger_entries')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('recharge', 'gift')`))
		// Signed: +coins for a recharge, -coins for a gift, so the balance is a plain sum.
		.addColumn('coins', 'bigint', (c) => c.notNull().check(sql`coins <> 0`))
		.addColumn('price_amount', 'bigint')
		.addColumn('currency', 'text')
		.addColumn('creator_id', 'text', (c) => c.references('creators.id'))
		.addColumn('gift_id', 'text', (c) => c.references('gifts.id'))
		.addColumn('pack_id', 'text', (c) => c.references('coin_packs.id'))
		.addColumn('channel', 'text', (c) => c.notNull())
		.addColumn('payment_method', 'text')
		.addColumn('authorization_id', 'text')
		.addColumn('occurred_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('ledger_account_time')
		.on('ledger_entries')
		.columns(['account_id', 'occurred_at'])
		.execute();
	await db.schema
		.createIndex('ledger_account_creator')
		.on('ledger_entries')
		.columns(['account_id', 'creator_id'])
		.execute();

	await db.schema
		.createTable('login_throttles')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull())
		.addColumn('window_started_at', 'bigint', (c) => c.notNull())
		.addColumn('locked_until', 'bigint', (c) => c.notNull())
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'login_throttles',
		'ledger_entries',
		'gifts',
		'coin_packs',
		'creators',
		'api_keys',
		'sessions',
		'accounts'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
