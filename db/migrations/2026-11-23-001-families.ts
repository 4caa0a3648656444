import { sql, type Kysely } from 'kysely';

// Families, their members, one-time invite codes and the family audit log. The role list is
// FAMILY_ROLES (src/lib/schemas/family.ts), written out here because a migration is frozen in
// time and never imports app code.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('families')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		// The family's own approval expiry; null means APPROVAL_TTL_SECONDS.
		.addColumn('approval_ttl_seconds', 'integer', (c) => c.check(sql`approval_ttl_seconds > 0`))
		.execute();

	await db.schema
		.createTable('family_members')
		// The primary key is the account: an account is in at most one family.
		.addColumn('account_id', 'text', (c) =>
			c.primaryKey().references('accounts.id').onDelete('cascade')
		)
		.addColumn('family_id', 'text', (c) =>
			c.notNull().references('families.id').onDelete('cascade')
		)
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('guardian', 'minor')`))
		.addColumn('joined_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('family_members_family')
		.on('family_members')
		.column('family_id')
		.execute();

	await db.schema
		.createTable('family_invites')
		.addColumn('id', 'text', (c) => c.primaryKey())
		// SHA-256 of the code, as for API keys: the code itself is shown once and never stored.
		.addColumn('code_hash', 'text', (c) => c.notNull().unique())
		.addColumn('family_id', 'text', (c) =>
			c.notNull().references('families.id').onDelete('cascade')
		)
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('guardian', 'minor')`))
		.addColumn('created_by', 'text', (c) => c.notNull().references('accounts.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('used_at', 'bigint')
		.addColumn('used_by', 'text', (c) => c.references('accounts.id'))
		.execute();

	// No CHECK on the action: later features add actions, and SQLite cannot alter a CHECK.
	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('family_id', 'text', (c) => c.notNull().references('families.id'))
		// Null when the operator acted (the admin CLI).
		.addColumn('actor_id', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('subject_id', 'text')
		.addColumn('before', 'text')
		.addColumn('after', 'text')
		.addColumn('at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('audit_log_family_time')
		.on('audit_log')
		.columns(['family_id', 'at'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['audit_log', 'family_invites', 'family_members', 'families']) {
		await db.schema.dropTable(table).execute();
	}
}
