import { Migrator, sql, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../../db/migrations';
import type { Database } from '.';

export async function migrateToLatest({ db, dialect }: Database): Promise<MigrationResultSet> {
	// Kysely looks for its bookkeeping tables in every schema it can see; pin them to the
	// connection's own schema so that databases sharing a server (one schema each) stay apart.
	const migrationTableSchema =
		dialect === 'postgres'
			? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]
					?.schema
			: undefined;
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations },
		migrationTableSchema
	});
	const result = await migrator.migrateToLatest();
	if (result.error) throw result.error;
	return result;
}
