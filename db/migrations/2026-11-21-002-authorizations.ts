import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// A key made by a user on the Settings page acts for that account only; a key made by
	// the operator (account_id null) is the purchase flow's and acts for every account.
	await db.schema
		.alterTable('api_keys')
		.addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
		.execute();

	await db.schema
		.createTable('limits')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('set_by', 'text', (c) =>
			c.notNull().check(sql`set_by in ('self', 'guardian', 'operator')`)
		)
		.addColumn('set_by_account_id', 'text')
		.addColumn('applies_to', 'text', (c) =>
			c.notNull().check(sql`applies_to in ('recharge', 'gift')`)
		)
		.addColumn('metric', 'text', (c) => c.notNull().check(sql`metric in ('coins', 'money')`))
		.addColumn('period', 'text', (c) =>
			c.notNull().check(sql`period in ('purchase', 'day', 'week', 'month')`)
		)
		.addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
		.addColumn('currency', 'text')
		.addColumn('creator_id', 'text')
		.addColumn('action', 'text', (c) =>
			c.notNull().check(sql`action in ('block', 'approval', 'warn')`)
		)
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		// Raising or removing a limit waits a cool-off: the old row ends, the new one starts, later.
		.addColumn('effective_at', 'bigint', (c) => c.notNull())
		.addColumn('ends_at', 'bigint')
		.execute();
	await db.schema.createIndex('limits_account').on('limits').column('account_id').execute();

	await db.schema
		.createTable('authorizations')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
		.addColumn('idempotency_key', 'text', (c) => c.notNull())
		.addColumn('fingerprint', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('recharge', 'gift')`))
		.addColumn('coins', 'bigint', (c) => c.notNull().check(sql`coins > 0`))
		.addColumn('price_amount', 'bigint')
		.addColumn('currency', 'text')
		.addColumn('creator_id', 'text', (c) => c.references('creators.id'))
		.addColumn('package_id', 'text')
		.addColumn('channel', 'text', (c) => c.notNull())
		.addColumn('payment_method', 'text')
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`status in ('held', 'captured', 'voided', 'expired', 'declined', 'pending_approval')`
				)
		)
		.addColumn('decision', 'text', (c) =>
			c.notNull().check(sql`decision in ('approved', 'declined', 'pending_approval')`)
		)
		.addColumn('reasons', 'text', (c) => c.notNull())
		// The first answer, replayed verbatim for the same idempotency key and input.
		.addColumn('response', 'text', (c) => c.notNull())
		// The periods the amount was counted in, so capture, void and expiry touch the same rows.
		.addColumn('day_key', 'text', (c) => c.notNull())
		.addColumn('week_key', 'text', (c) => c.notNull())
		.addColumn('month_key', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint')
		.addColumn('settled_at', 'bigint')
		.addUniqueConstraint('authorizations_idempotency', ['api_key_id', 'idempotency_key'])
		.execute();
	await db.schema
		.createIndex('authorizations_live')
		.on('authorizations')
		.columns(['status', 'expires_at'])
		.execute();
	await db.schema
		.createIndex('authorizations_account_live')
		.on('authorizations')
		.columns(['account_id', 'status', 'expires_at'])
		.execute();

	await db.schema
		.createTable('approval_requests')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('authorization_id', 'text', (c) =>
			c.notNull().unique().references('authorizations.id').onDelete('cascade')
		)
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('pending', 'approved', 'denied', 'expired', 'withdrawn')`)
		)
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('decided_by', 'text')
		.addColumn('decided_at', 'bigint')
		.addColumn('note', 'text')
		.execute();

	await db.schema
		.createTable('period_totals')
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('kind', 'text', (c) => c.notNull())
		// `day:2026-11-21`, `week:2026-W47`, `month:2026-11`, cut in the account's time zone.
		.addColumn('period_key', 'text', (c) => c.notNull())
		// What is counted: `coins`, `creator:<id>` (coins to one creator) or `money:<currency>`.
		.addColumn('scope', 'text', (c) => c.notNull())
		.addColumn('captured', 'bigint', (c) => c.notNull().check(sql`captured >= 0`))
		.addColumn('held', 'bigint', (c) => c.notNull().check(sql`held >= 0`))
		.addPrimaryKeyConstraint('period_totals_pk', ['account_id', 'kind', 'period_key', 'scope'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['period_totals', 'approval_requests', 'authorizations', 'limits']) {
		await db.schema.dropTable(table).execute();
	}
	await db.schema.alterTable('api_keys').dropColumn('account_id').execute();
}
