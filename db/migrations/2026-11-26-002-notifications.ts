import { sql, type Kysely } from 'kysely';

// In-app notices with their e-mail outbox, and the record of cap alerts already sent. The kind
// and e-mail status lists are NOTIFICATION_KINDS and EMAIL_STATUSES
// (src/lib/schemas/notifications.ts), written out here because a migration is frozen in time.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('notifications')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('kind', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`kind in ('approval_requested', 'approval_decided', 'approval_expired', 'cap_reached', 'channel_declined', 'member_removed')`
				)
		)
		.addColumn('data', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('read_at', 'bigint')
		.addColumn('email_status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('none')
				.check(sql`email_status in ('none', 'pending', 'sent', 'failed')`)
		)
		.addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
		// When the outbox may next try (or, while one sender holds it, when its lease ends).
		.addColumn('email_next_at', 'bigint')
		.execute();
	// The bell: one account's unread, newest first.
	await db.schema
		.createIndex('notifications_account_unread')
		.on('notifications')
		.columns(['account_id', 'read_at', 'created_at'])
		.execute();
	// The live stream's check: one account's newest.
	await db.schema
		.createIndex('notifications_account_time')
		.on('notifications')
		.columns(['account_id', 'created_at'])
		.execute();
	await db.schema
		.createIndex('notifications_outbox')
		.on('notifications')
		.columns(['email_status', 'email_next_at'])
		.execute();

	// One row per cap alert sent: a limit, a threshold (80, 100) and the period it was reached in.
	await db.schema
		.createTable('cap_alerts')
		.addColumn('limit_id', 'text', (c) => c.notNull().references('limits.id').onDelete('cascade'))
		.addColumn('threshold', 'integer', (c) => c.notNull())
		.addColumn('period_key', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('cap_alerts_pk', ['limit_id', 'threshold', 'period_key'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('cap_alerts').execute();
	await db.schema.dropTable('notifications').execute();
}
