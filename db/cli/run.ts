import { configuredUrl, openDatabase, type Database } from '../../src/lib/server/db';
import * as access from '../../src/lib/server/db/access';
import { migrateToLatest } from '../../src/lib/server/db/migrate';

/** A command-line failure the operator can fix: printed without a stack, exit code 2. */
export class UsageError extends Error {}

function isUsageError(error: unknown): boolean {
	if (error instanceof UsageError) return true;
	// node:util parseArgs throws these for unknown or malformed options.
	return (
		error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
	);
}

/**
 * Parses the arguments, then (only if they are good) runs the command against the
 * configured database, migrated first so a fresh DATABASE_URL works. The result is
 * printed as one JSON line on stdout; errors go to stderr with a non-zero exit code.
 */
export async function runCommand<T>(
	parse: () => T,
	command: (database: Database, input: T) => Promise<unknown>
): Promise<void> {
	let database: Database | undefined;
	try {
		const input = parse();
		database = openDatabase();
		await migrateToLatest(database);
		const result = await command(database, input);
		if (result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
	} catch (error) {
		// A database that cannot be reached or written gets the server's start-up line, naming it.
		const message =
			access.describeFailure(error, configuredUrl()) ??
			(error instanceof Error ? error.message : String(error));
		process.stderr.write(`error: ${message}\n`);
		process.exitCode = isUsageError(error) ? 2 : 1;
	} finally {
		await database?.close();
	}
}
