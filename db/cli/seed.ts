import { parseArgs } from 'node:util';
import * as demoFamily from '../../src/lib/server/demo/family';
import * as demo from '../../src/lib/server/demo/seed';
import * as accounts from '../../src/lib/server/accounts';
import { runCommand, UsageError } from './run';

// npm run seed [-- --seed N]: adds the demo household to an empty database.
await runCommand(
	() => {
		const { values } = parseArgs({ options: { seed: { type: 'string' } }, strict: true });
		if (values.seed === undefined) return undefined;
		const seed = Number(values.seed);
		if (!Number.isSafeInteger(seed)) throw new UsageError('--seed takes a whole number');
		return seed;
	},
	async (database, seed) => {
		const { db } = database;
		if ((await accounts.count(db)) > 0) {
			throw new UsageError(
				'the database already has accounts; seed an empty one (see DATABASE_URL)'
			);
		}
		await demo.seed(db, { seed });
		await demoFamily.seedFamily(database);
		process.stderr.write(demo.describeLogins() + '\n');
		return { seeded: true, logins: demo.DEMO_LOGINS.map((l) => l.email) };
	}
);
