import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as holds from '../ledger/holds';
import * as totals from '../ledger/totals';
import * as creatorReports from '../reports/creators';
import * as timeline from '../reports/timeline';
import * as costs from '.';

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;
const T = Date.parse('2026-11-18T15:00:00Z');

describeEachDatabase('gift costs, first-in first-out', (ctx) => {
	let flow: ApiKeySummary;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('key'));
		flow = (await apiKeys.authenticate(db(), key))!;
	});

	async function newAccount(timeZone = 'UTC', coins = 0) {
		const account = await accounts.create(db(), {
			email: `${unique('cost')}@example.com`,
			displayName: 'Coster',
			password: 'a long enough passphrase',
			timeZone,
			currency: 'USD'
		});
		if (coins) {
			await db()
				.updateTable('accounts')
				.set({ coin_balance: coins })
				.where('id', '=', account.id)
				.execute();
		}
		return account.id;
	}

	async function buy(accountId: string, coins: number, amount: number, currency: string, now = T) {
		const input = authorizeInput.parse({
			idempotencyKey: unique('idem'),
			accountId,
			kind: 'recharge',
			coins,
			price: { amount, currency }
		});
		const held = await holds.authorize(ctx.database, flow, input, now);
		expect(held.decision).toBe('approved');
		await holds.capture(ctx.database, flow, held.authorizationId, now + 1000);
	}

	async function give(accountId: string, coins: number, creatorId: string, now = T) {
		const input = authorizeInput.parse({
			idempotencyKey: unique('idem'),
			accountId,
			kind: 'gift',
			coins,
			creatorId
		});
		const held = await holds.authorize(ctx.database, flow, input, now);
		expect(held.decision).toBe('approved');
		await holds.capture(ctx.database, flow, held.authorizationId, now + 1000);
	}

	async function snapshot(accountId: string) {
		const [lots, gifts, spend, byCurrency] = await Promise.all([
			db()
				.selectFrom('coin_lots')
				.select(['entry_id', 'coins', 'coins_left', 'price_amount', 'currency'])
				.where('account_id', '=', accountId)
				.orderBy('entry_id')
				.execute(),
			db()
				.selectFrom('gift_costs')
				.innerJoin('ledger_entries', 'ledger_entries.id', 'gift_costs.entry_id')
				.select(['entry_id', 'gift_costs.currency', 'gift_costs.coins', 'amount'])
				.where('account_id', '=', accountId)
				.orderBy('entry_id')
				.orderBy('gift_costs.currency')
				.execute(),
			db()
				.selectFrom('creator_spend')
				.select(['period_key', 'creator_id', 'coins', 'gifts'])
				.where('account_id', '=', accountId)
				.orderBy('period_key')
				.orderBy('creator_id')
				.execute(),
			db()
				.selectFrom('creator_costs')
				.select(['period_key', 'creator_id', 'currency', 'coins', 'amount'])
				.where('account_id', '=', accountId)
				.orderBy('period_key')
				.orderBy('creator_id')
				.orderBy('currency')
				.execute()
		]);
		const numbers = <T extends object>(rows: T[]) =>
			rows.map((r) =>
				Object.fromEntries(
					Object.entries(r).map(([k, v]) => [
						k,
						typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
					])
				)
			);
		return {
			lots: numbers(lots),
			gifts: numbers(gifts),
			spend: numbers(spend),
			byCurrency: numbers(byCurrency)
		};
	}

	it('values a gift spanning recharges in two currencies at what its coins cost', async () => {
		const id = await newAccount();
		await buy(id, 100, 100, 'USD', T);
		await buy(id, 50, 200, 'EUR', T + 60_000);
		await give(id, 120, 'c-ada', T + 120_000);
		await give(id, 10, 'c-bo', T + 180_000);
		const report = await creatorReports.between(db(), id, '2026-11-01', '2026-12-01');
		expect(report).toEqual([
			expect.objectContaining({
				creatorId: 'c-ada',
				coins: 120,
				gifts: 1,
				cost: [
					{ amount: 80, currency: 'EUR' },
					{ amount: 100, currency: 'USD' }
				],
				freeCoins: 0
			}),
			expect.objectContaining({
				creatorId: 'c-bo',
				coins: 10,
				gifts: 1,
				cost: [{ amount: 40, currency: 'EUR' }]
			})
		]);
		const { gifts } = await timeline.page(db(), id, 'c-ada');
		expect(gifts.map((g) => g.cost)).toEqual([
			[
				{ amount: 80, currency: 'EUR' },
				{ amount: 100, currency: 'USD' }
			]
		]);
	});

	it('prices coins no paid recharge stands behind at 0 and shows them as free', async () => {
		const id = await newAccount('UTC', 30);
		await give(id, 20, 'c-ada');
		const [ada] = await creatorReports.between(db(), id, '2026-11-18', '2026-11-19');
		expect(ada).toMatchObject({ coins: 20, cost: [], freeCoins: 20 });
		expect(await creatorReports.between(db(), id, '2026-11-19', '2026-11-20')).toEqual([]);
	});

	it('rebuilds from the ledger exactly what the captures kept', async () => {
		const id = await newAccount();
		await buy(id, 300, 299, 'USD', T);
		await give(id, 7, 'c-ada', T + 1000);
		await buy(id, 1000, 1500, 'GBP', T + 2000);
		await give(id, 400, 'c-bo', T + 3000);
		await give(id, 33, 'c-ada', Date.parse('2026-12-02T10:00:00Z'));
		const live = await snapshot(id);
		expect(live.gifts.length).toBeGreaterThan(0);
		await ctx.database.db.transaction().execute((trx) => totals.rebuild(trx, id));
		expect(await snapshot(id)).toEqual(live);
		await ctx.database.db.transaction().execute((trx) => costs.rebuild(trx, id));
		expect(await snapshot(id)).toEqual(live);
	});

	it('through real captures, never costs more than was paid per currency, and replays the same', async () => {
		const step = fc.oneof(
			fc.record({
				kind: fc.constant('recharge' as const),
				coins: fc.integer({ min: 1, max: 5000 }),
				amount: fc.integer({ min: 0, max: 100_000 }),
				currency: fc.constantFrom('USD', 'EUR')
			}),
			fc.record({
				kind: fc.constant('gift' as const),
				coins: fc.integer({ min: 1, max: 3000 }),
				creator: fc.constantFrom('c-ada', 'c-bo', 'c-cy')
			})
		);
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: 500 }),
				fc.array(step, { minLength: 1, maxLength: 12 }),
				async (start, steps) => {
					const id = await newAccount('UTC', start);
					let balance = start;
					for (const [i, s] of steps.entries()) {
						const at = T + i * 60_000;
						if (s.kind === 'recharge') {
							await buy(id, s.coins, s.amount, s.currency, at);
							balance += s.coins;
						} else if (s.coins <= balance) {
							await give(id, s.coins, s.creator, at);
							balance -= s.coins;
						}
					}
					const paid = await db()
						.selectFrom('ledger_entries')
						.select((eb) => ['currency', eb.fn.sum<number>('price_amount').as('amount')])
						.where('account_id', '=', id)
						.where('kind', '=', 'recharge')
						.groupBy('currency')
						.execute();
					const live = await snapshot(id);
					const cost = new Map<string, number>();
					for (const g of live.gifts) {
						const currency = g.currency as string;
						cost.set(currency, (cost.get(currency) ?? 0) + Number(g.amount));
					}
					for (const [currency, amount] of cost) {
						if (currency === costs.NO_CURRENCY) expect(amount).toBe(0);
						else {
							const row = paid.find((p) => p.currency === currency);
							expect(amount).toBeLessThanOrEqual(Number(row?.amount ?? 0));
						}
					}
					await ctx.database.db.transaction().execute((trx) => costs.rebuild(trx, id));
					expect(await snapshot(id)).toEqual(live);
				}
			),
			{ numRuns: 12 }
		);
	});

	describe('time zones', () => {
		it('counts a gift at 23:30 local on the last day of the month in that month', async () => {
			const id = await newAccount('America/New_York');
			await buy(id, 100, 500, 'USD', Date.parse('2026-11-30T12:00:00Z'));
			// 23:30 in New York on 30 November is 04:30 on 1 December in UTC.
			await give(id, 40, 'c-ada', Date.parse('2026-12-01T04:30:00Z'));
			const november = await creatorReports.between(db(), id, '2026-11-01', '2026-12-01');
			expect(november).toEqual([
				expect.objectContaining({ coins: 40, cost: [{ amount: 200, currency: 'USD' }] })
			]);
			expect(await creatorReports.between(db(), id, '2026-12-01', '2027-01-01')).toEqual([]);
			expect(await creatorReports.between(db(), id, '2026-11-30', '2026-12-01')).toHaveLength(1);
		});
	});
});
