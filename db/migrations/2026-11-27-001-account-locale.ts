import type { Kysely } from 'kysely';

// The account's language and number format (a BCP 47 tag such as de-DE): how its pages write
// numbers, money and dates. Existing accounts keep the en-US formatting they had.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('accounts')
		.addColumn('locale', 'text', (c) => c.notNull().defaultTo('en-US'))
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('accounts').dropColumn('locale').execute();
}
