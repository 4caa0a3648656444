import { sql, type Kysely } from 'kysely';

// Rules that are not amounts per period: purchases blocked, gifting, the channels a top-up
// may come through and quiet hours (account_rules, one row per account that has any), and a
// guardian's standing approvals. The defaults for minors are written out here as they stood
// when this migration was made (MINOR_RULES in src/lib/schemas/rules.ts), because a migration
// is frozen in time and never imports app code.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('account_rules')
		.addColumn('account_id', 'text', (c) =>
			c.primaryKey().references('accounts.id').onDelete('cascade')
		)
		.addColumn('purchases_blocked', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('gifting_allowed', 'integer', (c) => c.notNull().defaultTo(1))
		// The channels a purchase may come through, comma-separated, in CHANNELS order.
		.addColumn('channels', 'text', (c) => c.notNull())
		// Minutes after local midnight; both null, or both set and different.
		.addColumn('quiet_start', 'integer', (c) => c.check(sql`quiet_start between 0 and 1439`))
		.addColumn('quiet_end', 'integer', (c) => c.check(sql`quiet_end between 0 and 1439`))
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_by', 'text')
		.execute();

	await db.schema
		.createTable('standing_approvals')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('applies_to', 'text', (c) =>
			c.notNull().check(sql`applies_to in ('recharge', 'gift')`)
		)
		.addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('day', 'week', 'month')`))
		.addColumn('coins', 'integer', (c) => c.notNull().check(sql`coins > 0`))
		// Creator ids, comma-separated (gifts only); null for any creator.
		.addColumn('creator_ids', 'text')
		.addColumn('created_by', 'text', (c) => c.references('accounts.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('ended_at', 'bigint')
		.execute();
	await db.schema
		.createIndex('standing_approvals_account')
		.on('standing_approvals')
		.column('account_id')
		.execute();

	// The standing approval a purchase passed under, so that it counts against it.
	await db.schema
		.alterTable('authorizations')
		.addColumn('standing_approval_id', 'text', (c) => c.references('standing_approvals.id'))
		.execute();
	await db.schema
		.createIndex('authorizations_standing_approval')
		.on('authorizations')
		.column('standing_approval_id')
		.where(sql.ref('standing_approval_id'), 'is not', null)
		.execute();

	// Minors made before this migration get the defaults a minor gets today: gifting off, app
	// and web only, and every recharge waiting for a guardian.
	const now = Date.now();
	const minors = await db.selectFrom('accounts').select('id').where('is_minor', '=', 1).execute();
	for (const { id } of minors) {
		await db
			.insertInto('account_rules')
			.values({
				account_id: id,
				purchases_blocked: 0,
				gifting_allowed: 0,
				channels: 'app,web',
				updated_at: now,
				updated_by: null
			})
			.execute();
		await db
			.insertInto('limits')
			.values({
				id: `lim_m${id.replace(/^acct_/, '')}`,
				account_id: id,
				set_by: 'guardian',
				set_by_account_id: null,
				applies_to: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 0,
				currency: null,
				creator_id: null,
				action: 'approval',
				created_at: now,
				effective_at: now,
				ends_at: null
			})
			.execute();
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('authorizations_standing_approval').execute();
	await db.schema.alterTable('authorizations').dropColumn('standing_approval_id').execute();
	await db.schema.dropTable('standing_approvals').execute();
	await db.schema.dropTable('account_rules').execute();
}
