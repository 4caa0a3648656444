import type { Kysely } from 'kysely';

// When the session's owner last typed their password (at log-in, or again to confirm a
// sensitive change). Null for sessions made before this column: they count as "long ago",
// so the first sensitive change asks for the password.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('sessions').addColumn('password_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('sessions').dropColumn('password_at').execute();
}
