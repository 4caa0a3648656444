import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as accounts from '../accounts';
import * as totals from '../ledger/totals';
import * as history from '../reports/history';
import * as imports from '.';
import { ImportFileError } from './parse';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const ZONE = 'America/New_York';

const FILE = [
	'Transaction ID,Date,Type,Coins,Price,Currency,Streamer',
	'tx-1,2026-10-01 10:00:00,purchase,350,4.99,USD,',
	'tx-2,2026-10-02T20:00:00Z,gift,5,,,@NovaSings',
	'tx-3,2026-10-31 23:30,gift,100,,,Some New Creator',
	'tx-4,2026-11-01,recharge,"1,400",19.99,EUR,'
].join('\n');

describeEachDatabase('history import', (ctx) => {
	let account: imports.Account;
	const db = () => ctx.database.db;
	beforeAll(async () => {
		const owner = await accounts.create(db(), {
			email: 'import@example.com',
			displayName: 'Importer',
			password: 'a passphrase that is long',
			timeZone: ZONE,
			currency: 'USD'
		});
		account = { id: owner.id, timeZone: ZONE, currency: 'USD' };
		await db()
			.insertInto('creators')
			.values({ id: 'cr_nova', handle: 'novasings', display_name: 'Nova', first_seen_at: 0 })
			.execute();
	});

	const snapshot = async () => ({
		ledger: await db()
			.selectFrom('ledger_entries')
			.select([
				'kind',
				'coins',
				'price_amount',
				'currency',
				'creator_id',
				'occurred_at',
				'source_ref'
			])
			.where('account_id', '=', account.id)
			.orderBy('occurred_at')
			.execute(),
		balance: (
			await db()
				.selectFrom('accounts')
				.select('coin_balance')
				.where('id', '=', account.id)
				.executeTakeFirstOrThrow()
		).coin_balance,
		totals: await totals.stored(db(), account.id),
		creators: (await db().selectFrom('creators').select('id').orderBy('id').execute()).map(
			(c) => c.id
		)
	});

	it('refuses a file with a broken row, listing each error by line, and changes nothing', async () => {
		const before = await snapshot();
		const broken = `${FILE}\ntx-5,2026-13-40,gift,5,,,x\ntx-6,2026-11-02,refund,abc,,,\ntx-7,2026-11-03,purchase,70,1.999,USD,`;
		const checked = imports.check(broken, account, null, NOW);
		expect(checked.errors).toEqual([
			{ line: 6, field: 'Date', message: expect.stringContaining('"2026-13-40" is not a date') },
			{ line: 7, field: 'Coins', message: expect.stringContaining('"abc" is not a whole number') },
			{ line: 7, field: 'Kind (recharge or gift)', message: expect.stringContaining('"refund"') },
			{
				line: 8,
				field: 'Money amount',
				message: expect.stringContaining('"1.999" is not an amount')
			}
		]);
		expect(checked.rows).toHaveLength(4);
		expect(await snapshot()).toEqual(before);
	});

	it('imports rows as ledger entries, records unknown creators, rebuilds the totals', async () => {
		const checked = imports.check(FILE, account, null, NOW);
		expect(checked.errors).toEqual([]);
		expect(checked.mapping).toEqual({
			date: 1,
			kind: 2,
			coins: 3,
			amount: 4,
			currency: 5,
			creator: 6,
			sourceId: 0
		});
		const outcome = await imports.run(ctx.database, account, checked.rows, NOW);
		expect(outcome).toEqual({ imported: 4, duplicates: 0, creatorsRecorded: 1 });
		const after = await snapshot();
		expect(after.ledger).toEqual([
			{
				kind: 'recharge',
				coins: 350,
				price_amount: 499,
				currency: 'USD',
				creator_id: null,
				occurred_at: Date.parse('2026-10-01T14:00:00Z'),
				source_ref: 'id:tx-1'
			},
			{
				kind: 'gift',
				coins: -5,
				price_amount: null,
				currency: null,
				creator_id: 'cr_nova',
				occurred_at: Date.parse('2026-10-02T20:00:00Z'),
				source_ref: 'id:tx-2'
			},
			{
				kind: 'gift',
				coins: -100,
				price_amount: null,
				currency: null,
				creator_id: 'Some New Creator',
				occurred_at: Date.parse('2026-11-01T03:30:00Z'),
				source_ref: 'id:tx-3'
			},
			{
				kind: 'recharge',
				coins: 1400,
				price_amount: 1999,
				currency: 'EUR',
				creator_id: null,
				occurred_at: Date.parse('2026-11-01T04:00:00Z'),
				source_ref: 'id:tx-4'
			}
		]);
		expect(after.balance).toBe(350 - 5 - 100 + 1400);
		expect(after.creators).toContain('Some New Creator');
		// The running totals are what the ledger says; 23:30 on 31 October counts in October.
		expect(after.totals).toEqual(await totals.recompute(db(), account.id));
		expect(after.totals).toContainEqual({
			kind: 'gift',
			period_key: 'month:2026-10',
			scope: 'coins',
			captured: 105,
			held: 0
		});
		const page = await history.page(db(), account.id, { limit: 10, timeZone: ZONE });
		expect(page.rows.map((r) => r.coins)).toEqual([1400, -100, -5, 350]);
	});

	it('skips duplicates by source id, and by content when the file has no ids', async () => {
		const again = imports.check(FILE, account, null, NOW);
		expect(await imports.run(ctx.database, account, again.rows, NOW)).toEqual({
			imported: 0,
			duplicates: 4,
			creatorsRecorded: 0
		});
		const noIds = 'date,coins,amount\n2026-09-01,70,1.09\n2026-09-01,70,1.09\n2026-09-02,70,1.09';
		const checked = imports.check(noIds, account, null, NOW);
		expect(checked.mapping.sourceId).toBeNull();
		expect(await imports.run(ctx.database, account, checked.rows, NOW)).toEqual({
			imported: 2,
			duplicates: 1,
			creatorsRecorded: 0
		});
		expect(await imports.run(ctx.database, account, checked.rows, NOW)).toEqual({
			imported: 0,
			duplicates: 3,
			creatorsRecorded: 0
		});
	});

	it('refuses a file naming too many unknown creators, and changes nothing', async () => {
		const before = await snapshot();
		const rows = Array.from(
			{ length: imports.MAX_NEW_CREATORS + 1 },
			(_, i) => `2026-09-04,-1,made_up_${i}`
		);
		const checked = imports.check(`date,coins,creator\n${rows.join('\n')}`, account, null, NOW);
		await expect(imports.run(ctx.database, account, checked.rows, NOW)).rejects.toThrow(
			/more than 200 creators/
		);
		expect(await snapshot()).toEqual(before);
	});

	it('refuses gifts beyond the coins the account has, and changes nothing', async () => {
		const before = await snapshot();
		const checked = imports.check(
			'date,coins,creator\n2026-09-03,-999999,cr_nova\n2026-09-03,-1,brand_new_one',
			account,
			null,
			NOW
		);
		await expect(imports.run(ctx.database, account, checked.rows, NOW)).rejects.toThrow(
			imports.ImportRefused
		);
		expect(await snapshot()).toEqual(before);
	});
});

describe('reading an import file', () => {
	const account = { id: 'x', timeZone: 'UTC', currency: 'USD' };
	it('says what is wrong with the file itself', () => {
		expect(() => imports.check('', account, null, NOW)).toThrow(ImportFileError);
		expect(() => imports.check('a,b\n"unclosed', account, null, NOW)).toThrow(
			/not readable as CSV/
		);
		expect(() =>
			imports.check('x'.repeat(imports.MAX_IMPORT_BYTES + 1), account, null, NOW)
		).toThrow(/over 1 MiB/);
		const many = `date,coins\n${'2026-01-01,1\n'.repeat(imports.MAX_IMPORT_ROWS + 1)}`;
		expect(() => imports.check(many, account, null, NOW)).toThrow(/more than 20,000 rows/);
	});
	it('refuses dates in the future and huge numbers, naming the field', () => {
		const checked = imports.check(
			'date,coins,amount\n2027-01-01,5,1\n2026-01-01,99999999999,1',
			account,
			null,
			NOW
		);
		expect(checked.errors.map((e) => [e.line, e.field])).toEqual([
			[2, 'Date'],
			[3, 'Coins']
		]);
	});
});
