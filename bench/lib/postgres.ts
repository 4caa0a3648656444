import pg from 'pg';

export const DEFAULT_PG_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
	url: string;
	name: string;
	version: string;
	drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
	const url = new URL(serverUrl);
	url.pathname = `/${database}`;
	return url.toString();
}

/** A password in a URL is not for printing. */
export function redact(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return url;
	}
}

/**
 * Creates a fresh database on the server `serverUrl` names (its path is the maintenance
 * database to connect to, `postgres` by default); null when the server cannot be reached.
 */
export async function createScratchDatabase(
	serverUrl: string
): Promise<ScratchDatabase | { unreachable: string }> {
	const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
	try {
		await admin.connect();
	} catch (error) {
		return { unreachable: error instanceof Error ? error.message : String(error) };
	}
	try {
		const version = (
			await admin.query<{ v: string }>(`select current_setting('server_version') as v`)
		).rows[0]!.v;
		const name = `coinguard_bench_${process.pid}_${Date.now().toString(36)}`;
		await admin.query(`create database ${name}`);
		return {
			url: withDatabase(serverUrl, name),
			name,
			version,
			async drop() {
				const client = new pg.Client({ connectionString: serverUrl });
				await client.connect();
				try {
					await client.query(`drop database if exists ${name} with (force)`);
				} finally {
					await client.end();
				}
			}
		};
	} finally {
		await admin.end();
	}
}
