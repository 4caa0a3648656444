import type { Kysely } from 'kysely';

// Budgets people can live with: per-limit alert thresholds (the shares of the limit that tell
// the account holder, once each per period), an optional capped rollover of what a period left
// unspent, the limit a scheduled change replaces (so the change can be cancelled), and the gift
// size above which the shop asks for a confirmation first. Existing rows take the defaults.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('limits')
		.addColumn('alert_thresholds', 'text', (c) => c.notNull().defaultTo('50,80,100'))
		.execute();
	// At most this percentage of the limit carries over; at most this amount (either or both).
	await db.schema.alterTable('limits').addColumn('rollover_percent', 'integer').execute();
	await db.schema.alterTable('limits').addColumn('rollover_amount', 'bigint').execute();
	await db.schema.alterTable('limits').addColumn('replaces_id', 'text').execute();
	await db.schema.alterTable('accounts').addColumn('gift_confirm_over', 'integer').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('accounts').dropColumn('gift_confirm_over').execute();
	await db.schema.alterTable('limits').dropColumn('replaces_id').execute();
	await db.schema.alterTable('limits').dropColumn('rollover_amount').execute();
	await db.schema.alterTable('limits').dropColumn('rollover_percent').execute();
	await db.schema.alterTable('limits').dropColumn('alert_thresholds').execute();
}
