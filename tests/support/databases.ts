import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { postgresUrl, type DialectName } from './environment';

export interface TestDatabase {
	dialect: DialectName;
	/** A DATABASE_URL that another process (the server, the CLI) can open. */
	url: string;
	/** Opens (once) and migrates a connection from this process. */
	open(): Promise<Database>;
	drop(): Promise<void>;
}

function withSearchPath(url: string, schema: string): string {
	const separator = url.includes('?') ? '&' : '?';
	return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/**
 * A fresh, empty database of the given dialect: a SQLite file in a temporary folder, or a
 * schema of its own in the TEST_DATABASE_URL database (dropped afterwards).
 */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
	let url: string;
	let cleanUp: () => Promise<void>;
	if (dialect === 'sqlite') {
		const dir = mkdtempSync(join(tmpdir(), 'coinguard-test-'));
		url = join(dir, 'test.db');
		cleanUp = async () => rmSync(dir, { recursive: true, force: true });
	} else {
		const serverUrl = postgresUrl;
		if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
		const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
		const admin = new pg.Client({ connectionString: serverUrl });
		await admin.connect();
		await admin.query(`create schema ${schema}`);
		await admin.end();
		url = withSearchPath(serverUrl, schema);
		cleanUp = async () => {
			const client = new pg.Client({ connectionString: serverUrl });
			await client.connect();
			await client.query(`drop schema if exists ${schema} cascade`);
			await client.end();
		};
	}
	let database: Database | undefined;
	return {
		dialect,
		url,
		async open() {
			if (!database) {
				database = openDatabase(url);
				await migrateToLatest(database);
			}
			return database;
		},
		async drop() {
			await database?.close();
			await cleanUp();
		}
	};
}
