import { afterAll, beforeAll, describe } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { createTestDatabase, type TestDatabase } from './databases';
import { dialectNames, type DialectName } from './environment';

export interface DatabaseContext {
	dialect: DialectName;
	/** The migrated database of this suite; valid inside tests and hooks. */
	readonly database: Database;
	readonly url: string;
}

/**
 * Declares `body` once per dialect in the run (SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set), each against a fresh migrated database of its own.
 * Suite names carry the dialect in brackets, which the summary reporter counts.
 */
export function describeEachDatabase(
	title: string,
	body: (context: DatabaseContext) => void
): void {
	for (const dialect of dialectNames) {
		describe(`${title} [${dialect}]`, () => {
			let test: TestDatabase | undefined;
			let database: Database | undefined;
			beforeAll(async () => {
				test = await createTestDatabase(dialect);
				database = await test.open();
			});
			afterAll(async () => {
				await test?.drop();
			});
			body({
				dialect,
				get database() {
					if (!database) throw new Error('the database is opened in beforeAll');
					return database;
				},
				get url() {
					if (!test) throw new Error('the database is created in beforeAll');
					return test.url;
				}
			});
		});
	}
}
