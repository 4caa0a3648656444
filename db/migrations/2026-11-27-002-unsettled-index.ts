import { sql, type Kysely } from 'kysely';

// The Overview's newest declined and waiting purchases were served by an index on account,
// status and time over every authorization. Most authorizations are held and then captured,
// voided or expired, and the Overview never asks for those: writing their entry cost each
// purchase a page more to log and to checkpoint (bench/ANALYSIS.md). The index now holds only
// the rows it is asked for. A query must name the same condition to use it (SQLite matches a
// partial index's WHERE term by term), as `reports/overview.ts` does.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('authorizations_account_status_time').execute();
	await db.schema
		.createIndex('authorizations_account_unsettled_time')
		.on('authorizations')
		.columns(['account_id', 'status', 'created_at'])
		.where(sql.ref('status'), 'in', [sql.lit('declined'), sql.lit('pending_approval')])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('authorizations_account_unsettled_time').execute();
	await db.schema
		.createIndex('authorizations_account_status_time')
		.on('authorizations')
		.columns(['account_id', 'status', 'created_at'])
		.execute();
}
