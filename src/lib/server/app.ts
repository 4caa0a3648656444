import { configuredUrl, openDatabase, type Database } from './db';
import * as access from './db/access';
import * as unavailable from './db/unavailable';
import { migrateToLatest } from './db/migrate';
import * as demoFamily from './demo/family';
import * as demo from './demo/seed';
import * as accounts from './accounts';
import * as holds from './ledger/holds';
import * as email from './notify/email';
import * as shopKey from './shop/key';

// One database per server process, opened on first use and prepared once at start.
let database: Database | undefined;

export function appDatabase(): Database {
	database ??= openDatabase();
	return database;
}

/**
 * Opens the database and proves it can write to it, migrates, seeds the demo on an empty
 * database (unless SEED_DEMO=0), and says how to log in.
 */
export async function startUp(log: (line: string) => void = console.log): Promise<void> {
	database ??= await access.openWritable(configuredUrl());
	const { db } = database;
	await migrateToLatest(database);
	if (process.env.SEED_DEMO !== '0' && (await accounts.count(db)) === 0) {
		await demo.seed(db);
		await demoFamily.seedFamily(database);
		log('Seeded the demo household.');
	}
	if (await demo.isPresent(db)) log(demo.describeLogins());
	// Each process makes its own key for the shop pages (shop/key.ts) and forgets it on exit;
	// revoke those of processes gone for a day, so that restarts leave no pile of live keys.
	const revoked = await shopKey.revokeStale(db);
	if (revoked) log(`Revoked ${revoked} unused built-in shop API key(s).`);
}

/**
 * startUp for the server, which runs it before it listens: a database it cannot use ends the
 * process with one plain line naming the database and what to do, instead of a stack trace.
 */
export async function startUpOrExit(): Promise<void> {
	try {
		await startUp();
	} catch (error) {
		const line = access.describeFailure(error, configuredUrl());
		if (line === null) throw error;
		console.error(line);
		process.exit(1);
	}
}

const SWEEP_EVERY = 30_000;

/**
 * Releases expired holds in the background (each is also expired when its account is next
 * checked), sends the e-mail outbox when SMTP_URL is set, and closes the database when adapter-node shuts down, so an idle PostgreSQL pool
 * does not keep a stopping server alive.
 */
export function runInBackground(): void {
	const timer = setInterval(() => {
		holds.sweep(appDatabase()).catch((error) => {
			if (unavailable.isUnavailable(error)) console.error(unavailable.logLine(error, 'hold sweep'));
			else console.error('hold sweep failed:', error);
		});
	}, SWEEP_EVERY);
	timer.unref();
	const stopOutbox = email.enabled() ? email.start(appDatabase) : () => {};
	process.once('sveltekit:shutdown', () => {
		clearInterval(timer);
		stopOutbox();
		void database?.close();
		database = undefined;
	});
}
