import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import type { AuthorizationStatus, PurchaseKind } from './schema';
import { dialectOf, template } from './template';
import { inTransaction, writeTransaction } from './transaction';

// A template must run exactly the statement Kysely would have built for the same values, for
// every shape of its lists, on both databases; and on a handle it does not know, build as usual.

const byStatus = template(
	(db, args: { kinds: PurchaseKind[]; minCoins: number; status: AuthorizationStatus }) =>
		db
			.selectFrom('authorizations')
			.select(['id', 'coins'])
			.where('kind', 'in', args.kinds)
			.where('coins', '>=', args.minCoins)
			.where('status', '=', args.status)
			// A constant of the query, not a slot: kept as it was compiled.
			.where('decision', '!=', 'declined')
);

describeEachDatabase('query templates', (ctx) => {
	it('knows the dialect of the database, of write transactions and of nested transactions', async () => {
		const { database } = ctx;
		expect(dialectOf(database.db)).toBe(database.dialect);
		await writeTransaction(database, async (trx) => {
			expect(dialectOf(trx)).toBe(database.dialect);
		});
		await inTransaction(database.db, async (trx) => {
			expect(dialectOf(trx)).toBe(database.dialect);
		});
	});

	it('compiles to the SQL and parameters Kysely builds, for each length of a list', () => {
		const { database } = ctx;
		for (const kinds of [
			['gift'],
			['gift', 'recharge'],
			['recharge', 'gift', 'gift']
		] as PurchaseKind[][]) {
			const args = { kinds, minCoins: 5, status: 'held' as const };
			const direct = database.db
				.selectFrom('authorizations')
				.select(['id', 'coins'])
				.where('kind', 'in', kinds)
				.where('coins', '>=', 5)
				.where('status', '=', 'held')
				.where('decision', '!=', 'declined')
				.compile();
			const filled = byStatus.compile(database.db, database.dialect, args);
			expect(filled.sql).toBe(direct.sql);
			expect(filled.parameters).toEqual(direct.parameters);
		}
		// Filled again from the cache, with other values: only the values change.
		const again = byStatus.compile(database.db, database.dialect, {
			kinds: ['recharge'],
			minCoins: 7,
			status: 'captured'
		});
		expect(again.parameters).toEqual(['recharge', 7, 'captured', 'declined']);
	});

	it('runs on a registered handle and on one it does not know, with the same rows', async () => {
		const { database } = ctx;
		const args = {
			kinds: ['gift', 'recharge'] as PurchaseKind[],
			minCoins: 1,
			status: 'held' as const
		};
		const registered = await byStatus.execute(database.db, args);
		// A handle no one registered (as a plain Kysely transaction of a library would be).
		const unregistered = await database.db
			.transaction()
			.execute((trx) => byStatus.execute(trx, args));
		expect(unregistered.rows).toEqual(registered.rows);
	});

	const insertCreator = template((db, args: { id: string }) =>
		db.insertInto('creators').values({
			id: args.id,
			handle: null,
			display_name: args.id,
			first_seen_at: 0
		})
	);

	it('runs inside the transaction that holds the connection: seen by it, rolled back with it', async () => {
		const { database } = ctx;
		const count = async (db = database.db) =>
			Number(
				(
					await db
						.selectFrom('creators')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('id', 'like', 'c-held-%')
						.executeTakeFirstOrThrow()
				).n
			);
		await expect(
			writeTransaction(database, async (trx) => {
				await insertCreator.execute(trx, { id: 'c-held-1' });
				expect(await count(trx)).toBe(1);
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		expect(await count()).toBe(0);
		await writeTransaction(database, (trx) => insertCreator.execute(trx, { id: 'c-held-2' }));
		expect(await count()).toBe(1);
	});

	it('reads on the database handle only what is committed, even while a transaction is open', async () => {
		const { database } = ctx;
		const creatorIds = template((db, args: { pattern: string }) =>
			db.selectFrom('creators').select('id').where('id', 'like', args.pattern)
		);
		let wrote!: () => void;
		const written = new Promise<void>((resolve) => (wrote = resolve));
		let letGo!: () => void;
		const held = new Promise<void>((resolve) => (letGo = resolve));
		const writing = writeTransaction(database, async (trx) => {
			await insertCreator.execute(trx, { id: 'c-idle-1' });
			wrote();
			await held;
			throw new Error('rolled back');
		});
		await written;
		// The transaction's row is written but not committed (and never will be).
		const during = creatorIds.execute(database.db, { pattern: 'c-idle-%' });
		letGo();
		await expect(writing).rejects.toThrow('rolled back');
		expect((await during).rows).toEqual([]);

		await writeTransaction(database, (trx) => insertCreator.execute(trx, { id: 'c-idle-2' }));
		const after = await creatorIds.execute(database.db, { pattern: 'c-idle-%' });
		expect(after.rows).toEqual([{ id: 'c-idle-2' }]);
	});
});
