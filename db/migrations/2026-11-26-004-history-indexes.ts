import { sql, type Kysely } from 'kysely';

// The history view pages on (time, id), newest first, over ledger entries and authorizations;
// these indexes let each side start at the cursor and read only one page, however deep.
// `ledger_account_time_id` replaces `ledger_account_time` (its prefix serves the same queries).
// Imported history keeps where it came from (`source_ref`: the source's transaction id, or a
// hash of the row's content), unique per account, so the same file imported twice adds nothing.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createIndex('ledger_account_time_id')
		.on('ledger_entries')
		.columns(['account_id', 'occurred_at', 'id'])
		.execute();
	await db.schema.dropIndex('ledger_account_time').execute();
	await db.schema
		.createIndex('authorizations_account_time_id')
		.on('authorizations')
		.columns(['account_id', 'created_at', 'id'])
		.execute();
	await db.schema.alterTable('ledger_entries').addColumn('source_ref', 'text').execute();
	// Existing rows came from the purchase flow or the demo: no source, nothing to backfill.
	await db.schema
		.createIndex('ledger_account_source_ref')
		.on('ledger_entries')
		.columns(['account_id', 'source_ref'])
		.unique()
		.where(sql.ref('source_ref'), 'is not', null)
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('ledger_account_source_ref').execute();
	await db.schema.alterTable('ledger_entries').dropColumn('source_ref').execute();
	await db.schema.dropIndex('authorizations_account_time_id').execute();
	await db.schema
		.createIndex('ledger_account_time')
		.on('ledger_entries')
		.columns(['account_id', 'occurred_at'])
		.execute();
	await db.schema.dropIndex('ledger_account_time_id').execute();
}
