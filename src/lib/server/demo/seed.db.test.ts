import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../tests/support/databases';
import { dialectNames, type DialectName } from '../../../../tests/support/environment';
import type { DB } from '../db/schema';
import { DEMO_LOGINS, DEMO_PASSWORD, describeLogins, isPresent, seed } from './seed';
import * as passwords from '../auth/passwords';

const DAY = 24 * 60 * 60_000;
// Mid-afternoon, so the tests also show that the history stops at the start of the UTC day.
const NOW = Date.UTC(2026, 10, 21, 15, 30);
const TODAY = Date.UTC(2026, 10, 21);

interface Fresh {
	db: Kysely<DB>;
	dispose(): Promise<void>;
}

/** A migrated, empty database of its own (several tests here compare two seeded ones). */
async function freshDatabase(dialect: DialectName): Promise<Fresh> {
	const test = await createTestDatabase(dialect);
	const database = await test.open();
	return { db: database.db, dispose: () => test.drop() };
}

function ledgerRows(db: Kysely<DB>) {
	return db
		.selectFrom('ledger_entries')
		.select([
			'id',
			'account_id',
			'kind',
			'coins',
			'price_amount',
			'currency',
			'creator_id',
			'gift_id',
			'pack_id',
			'channel',
			'payment_method',
			'authorization_id',
			'occurred_at'
		])
		.orderBy('id')
		.execute();
}

function accountRows(db: Kysely<DB>) {
	return db
		.selectFrom('accounts')
		.select([
			'id',
			'email',
			'display_name',
			'time_zone',
			'currency',
			'birth_year',
			'is_minor',
			'coin_balance',
			'created_at'
		])
		.orderBy('email')
		.execute();
}

async function accountId(db: Kysely<DB>, role: 'adult' | 'guardian' | 'minor'): Promise<string> {
	const email = DEMO_LOGINS.find((l) => l.role === role)?.email ?? '';
	const row = await db
		.selectFrom('accounts')
		.select('id')
		.where('email', '=', email)
		.executeTakeFirstOrThrow();
	return row.id;
}

describe.each(dialectNames)('demo seed [%s]', (dialect) => {
	let main: Fresh;
	let seconds = 0;

	beforeAll(async () => {
		main = await freshDatabase(dialect);
		expect(await isPresent(main.db)).toBe(false);
		const started = performance.now();
		await seed(main.db, { seed: 42, now: NOW });
		seconds = (performance.now() - started) / 1000;
	});

	afterAll(async () => {
		await main?.dispose();
	});

	it('creates the three demo accounts, which log in with the demo password', async () => {
		expect(seconds).toBeLessThan(20);
		expect(await isPresent(main.db)).toBe(true);
		const accounts = await main.db.selectFrom('accounts').selectAll().execute();
		expect(accounts.map((a) => a.email).sort()).toEqual(DEMO_LOGINS.map((l) => l.email).sort());
		const minor = accounts.find((a) => a.email.startsWith('mia@'));
		expect(minor?.is_minor).toBe(1);
		expect(2026 - (minor?.birth_year ?? 0)).toBe(15);
		expect(accounts.filter((a) => a.is_minor === 1)).toHaveLength(1);
		// One hash is shared by the three accounts.
		expect(new Set(accounts.map((a) => a.password_hash)).size).toBe(1);
		expect(await passwords.verify(accounts[0]?.password_hash ?? '', DEMO_PASSWORD)).toBe(true);
	});

	it('adds about 25 creators with bare handles, each first seen before their first gift', async () => {
		const creators = await main.db.selectFrom('creators').selectAll().execute();
		expect(creators.length).toBeGreaterThanOrEqual(20);
		expect(creators.length).toBeLessThanOrEqual(30);
		for (const creator of creators) {
			expect(creator.id).toMatch(/^cr_[a-z2-7]+$/);
			expect(creator.handle).toMatch(/^[a-z0-9._]+$/);
		}
		const firstGifts = await main.db
			.selectFrom('ledger_entries')
			.select((eb) => ['creator_id', eb.fn.min('occurred_at').as('first')])
			.where('kind', '=', 'gift')
			.groupBy('creator_id')
			.execute();
		const seen = new Map(creators.map((c) => [c.id, c.first_seen_at]));
		for (const row of firstGifts) {
			expect(seen.get(row.creator_id ?? '')).toBeLessThan(Number(row.first));
		}
	});

	it('has the gift catalogue and coin packs in at least two currencies', async () => {
		const packs = await main.db.selectFrom('coin_packs').selectAll().execute();
		expect(new Set(packs.map((p) => p.currency)).size).toBeGreaterThanOrEqual(2);
		expect(packs).toContainEqual({
			id: 'pack_usd_65',
			coins: 65,
			price_amount: 99,
			currency: 'USD'
		});
		expect(packs).toContainEqual({
			id: 'pack_usd_6607',
			coins: 6607,
			price_amount: 9999,
			currency: 'USD'
		});
		const gifts = await main.db.selectFrom('gifts').selectAll().orderBy('coins').execute();
		expect(gifts.length).toBeGreaterThanOrEqual(10);
		expect(gifts[0]).toMatchObject({ id: 'gift_rose', coins: 1 });
		expect(gifts.at(-1)).toMatchObject({ id: 'gift_drama_queen', coins: 5000 });
	});

	it('writes about six months of history that ends before today', async () => {
		const rows = await ledgerRows(main.db);
		const times = rows.map((r) => r.occurred_at);
		expect(Math.min(...times)).toBeGreaterThanOrEqual(TODAY - 190 * DAY);
		expect(Math.min(...times)).toBeLessThan(TODAY - 170 * DAY);
		expect(Math.max(...times)).toBeLessThan(TODAY);
		expect(Math.max(...times)).toBeGreaterThan(TODAY - 7 * DAY);

		const count = async (role: 'adult' | 'guardian' | 'minor', kind: 'recharge' | 'gift') => {
			const id = await accountId(main.db, role);
			return rows.filter((r) => r.account_id === id && r.kind === kind).length;
		};
		expect(await count('adult', 'recharge')).toBeGreaterThanOrEqual(20);
		expect(await count('adult', 'gift')).toBeGreaterThanOrEqual(300);
		expect(await count('guardian', 'gift')).toBeGreaterThanOrEqual(40);
		expect(await count('minor', 'recharge')).toBeGreaterThanOrEqual(2);
		expect(await count('minor', 'gift')).toBeLessThan(await count('guardian', 'gift'));
	});

	it('fills recharges and gifts consistently', async () => {
		const rows = await ledgerRows(main.db);
		const recharges = rows.filter((r) => r.kind === 'recharge');
		const gifts = rows.filter((r) => r.kind === 'gift');
		for (const r of recharges) {
			expect(r.coins).toBeGreaterThan(0);
			expect(r).toMatchObject({ creator_id: null, gift_id: null, authorization_id: null });
			expect(r.price_amount).toBeGreaterThan(0);
			expect(r.pack_id).toBe(`pack_${r.currency?.toLowerCase()}_${r.coins}`);
			expect(['app', 'web', 'gift_card']).toContain(r.channel);
		}
		for (const g of gifts) {
			expect(g.coins).toBeLessThan(0);
			expect(g).toMatchObject({ channel: 'app', price_amount: null, currency: null });
			expect(g).toMatchObject({ pack_id: null, payment_method: null, authorization_id: null });
			expect(g.creator_id).not.toBeNull();
			expect(g.gift_id).not.toBeNull();
		}
		expect(new Set(recharges.map((r) => r.currency)).size).toBeGreaterThanOrEqual(2);
		expect(new Set(recharges.map((r) => r.payment_method)).size).toBeGreaterThanOrEqual(5);
		const adult = await accountId(main.db, 'adult');
		const adultCurrencies = new Set(
			recharges.filter((r) => r.account_id === adult).map((r) => r.currency)
		);
		expect([...adultCurrencies].sort()).toEqual(['EUR', 'USD']);
		const inApp = recharges.filter((r) => r.channel === 'app').length;
		expect(inApp / recharges.length).toBeGreaterThan(0.5);
	});

	it('keeps every balance non-negative and coin_balance equal to the ledger sum', async () => {
		const rows = await ledgerRows(main.db);
		const accounts = await accountRows(main.db);
		for (const account of accounts) {
			const entries = rows
				.filter((r) => r.account_id === account.id)
				.sort((a, b) => a.occurred_at - b.occurred_at || (a.id < b.id ? -1 : 1));
			let balance = 0;
			let lowest = 0;
			for (const entry of entries) {
				balance += entry.coins;
				lowest = Math.min(lowest, balance);
			}
			expect(lowest, account.email).toBe(0);
			expect(account.created_at).toBeLessThan(entries[0]?.occurred_at ?? 0);
			expect(account.coin_balance, account.email).toBe(balance);
		}
	});

	it('concentrates the adult’s gifts on three favourite creators', async () => {
		const adult = await accountId(main.db, 'adult');
		const perCreator = await main.db
			.selectFrom('ledger_entries')
			.select((eb) => ['creator_id', eb.fn.sum<number>('coins').as('coins')])
			.where('account_id', '=', adult)
			.where('kind', '=', 'gift')
			.groupBy('creator_id')
			.execute();
		const given = perCreator.map((r) => -Number(r.coins)).sort((a, b) => b - a);
		const total = given.reduce((sum, c) => sum + c, 0);
		const topThree = given.slice(0, 3).reduce((sum, c) => sum + c, 0);
		expect(topThree / total).toBeGreaterThan(0.5);
	});

	it('puts most of the adult’s gifts in the evening and at night, local time', async () => {
		const adult = await accountId(main.db, 'adult');
		const gifts = await main.db
			.selectFrom('ledger_entries')
			.select('occurred_at')
			.where('account_id', '=', adult)
			.where('kind', '=', 'gift')
			.execute();
		const evening = gifts.filter((g) => {
			const hour = DateTime.fromMillis(g.occurred_at, { zone: 'America/New_York' }).hour;
			return hour >= 18 || hour < 2;
		});
		expect(evening.length / gifts.length).toBeGreaterThan(0.6);
	});

	it('gives the same rows for the same seed on the same day, and others for another seed', async () => {
		const again = await freshDatabase(dialect);
		const other = await freshDatabase(dialect);
		try {
			// Later the same day: the history is anchored to the start of the UTC day.
			await seed(again.db, { seed: 42, now: NOW + 3 * 60 * 60_000 });
			await seed(other.db, { seed: 7, now: NOW });
			const expected = await ledgerRows(main.db);
			expect(await ledgerRows(again.db)).toEqual(expected);
			expect(await accountRows(again.db)).toEqual(await accountRows(main.db));
			expect(await again.db.selectFrom('creators').selectAll().orderBy('id').execute()).toEqual(
				await main.db.selectFrom('creators').selectAll().orderBy('id').execute()
			);

			const different = await ledgerRows(other.db);
			expect(different.map((r) => r.id)).not.toEqual(expected.map((r) => r.id));
			expect(different.map((r) => [r.coins, r.occurred_at])).not.toEqual(
				expected.map((r) => [r.coins, r.occurred_at])
			);
		} finally {
			await again.dispose();
			await other.dispose();
		}
	});

	it('refuses a second seed of the same database and leaves it as it was', async () => {
		const before = (await ledgerRows(main.db)).length;
		await expect(seed(main.db, { seed: 42, now: NOW })).rejects.toThrow();
		expect(await ledgerRows(main.db)).toHaveLength(before);
	});
});

describe('describeLogins', () => {
	it('lists every demo login with the password', () => {
		const text = describeLogins();
		expect(text).toContain(DEMO_PASSWORD);
		for (const login of DEMO_LOGINS) {
			expect(text).toContain(login.email);
			expect(text).toContain(login.role);
		}
		expect(text.split('\n')).toHaveLength(DEMO_LOGINS.length + 1);
	});
});
