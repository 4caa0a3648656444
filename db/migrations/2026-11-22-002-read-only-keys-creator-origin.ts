import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// Personal keys (with an account) are read-only: only the operator's keys run purchases.
	// 'read' is API_KEY_SCOPES' read-only value (migrations never import app code).
	await db
		.updateTable('api_keys')
		.set({ scopes: 'read' })
		.where('account_id', 'is not', null)
		.execute();

	// Which key first recorded a creator, to cap how many unknown creators one key may add.
	// No foreign key: keys are revoked, never deleted, and SQLite cannot drop a referencing column.
	await db.schema.alterTable('creators').addColumn('created_by_api_key_id', 'text').execute();
	await db.schema
		.createIndex('creators_created_by')
		.on('creators')
		.columns(['created_by_api_key_id', 'first_seen_at'])
		.execute();
	// Creator ids and handles are matched without regard to case.
	await db.schema
		.createIndex('creators_id_folded')
		.on('creators')
		.expression(sql`lower(id)`)
		.execute();
	await db.schema
		.createIndex('creators_handle_folded')
		.on('creators')
		.expression(sql`lower(handle)`)
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const index of ['creators_handle_folded', 'creators_id_folded', 'creators_created_by']) {
		await db.schema.dropIndex(index).execute();
	}
	await db.schema.alterTable('creators').dropColumn('created_by_api_key_id').execute();
	await db
		.updateTable('api_keys')
		.set({ scopes: 'purchase' })
		.where('account_id', 'is not', null)
		.execute();
}
