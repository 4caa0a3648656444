import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as limits from '../../src/lib/server/policy/limits';
import { recordHistory, type PastEntry } from '../support/ledger';
import { browserSuite, logIn } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { callPurchase } from '../support/purchase-api';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase';
const ZONE = 'America/New_York';

// The Overview and the Creators charts: each chart's table read in the browser equals the
// ledger summed in a database query for the same period.
describe.runIf(chromiumPath)('overview and creators in the browser', { timeout: 180_000 }, () => {
	const suite = browserSuite();
	let n = 0;

	const CREATORS = [
		{ id: 'cr_luna', handle: 'lunabeats', display_name: 'Luna Beats' },
		{ id: 'cr_marco', handle: 'chefmarco', display_name: 'Chef Marco' },
		{ id: 'cr_pixel', handle: 'pixelpaws', display_name: 'Pixel Paws' },
		{ id: 'cr_nova', handle: null, display_name: 'Nova (no handle)' }
	];

	async function setUp() {
		await suite.db
			.insertInto('creators')
			.values(CREATORS.map((c) => ({ ...c, first_seen_at: 0, created_by_api_key_id: null })))
			.onConflict((oc) => oc.doNothing())
			.execute();
		const account = await accounts.create(suite.db, {
			email: `fan${++n}@example.com`,
			displayName: 'Robin Fan',
			password: PASSWORD,
			timeZone: ZONE,
			currency: 'USD'
		});
		// Three earlier months of history, written directly (as an import or the demo seed does).
		const now = DateTime.now().setZone(ZONE);
		const history: PastEntry[] = [];
		const entry = (at: DateTime, rest: Omit<PastEntry, 'id' | 'at'>): PastEntry => ({
			id: `led_hist_${n}_${history.length}`,
			at: at.toMillis(),
			...rest
		});
		for (let back = 3; back >= 1; back--) {
			const month = now.minus({ months: back }).startOf('month');
			history.push(
				entry(month.plus({ days: 1 }), {
					kind: 'recharge',
					coins: 2000,
					price: { amount: 1999, currency: 'USD' }
				})
			);
			CREATORS.forEach((c, i) =>
				history.push(
					entry(month.plus({ days: 2 + i }), {
						kind: 'gift',
						coins: -(50 * (i + 1) * back),
						creatorId: c.id
					})
				)
			);
		}
		// 23:30 local on the last day of last month: last month's, not this month's.
		history.push(
			entry(now.startOf('month').minus({ minutes: 30 }), {
				kind: 'gift',
				coins: -77,
				creatorId: 'cr_pixel'
			})
		);
		await recordHistory(suite.db, account.id, history, { setBalance: true });
		await limits.add(
			suite.db,
			account.id,
			{
				appliesTo: 'gift',
				metric: 'coins',
				period: 'month',
				amount: 5000,
				currency: null,
				creatorId: null,
				action: 'block'
			},
			{ role: 'self', accountId: account.id },
			0
		);
		// This month, through the purchase API: recharges in two currencies, then gifts.
		const { key } = await apiKeys.create(suite.db, `flow-${n}`);
		const buy = async (input: Record<string, unknown>) => {
			const asked = await callPurchase(suite.server.origin, key, 'authorize', {
				idempotencyKey: `e2e-${n}-${JSON.stringify(input)}`,
				accountId: account.id,
				...input
			} as never);
			expect(asked.data?.decision, asked.text).toBe('approved');
			await callPurchase(suite.server.origin, key, 'capture', {
				authorizationId: asked.data!.authorizationId
			});
		};
		await buy({ kind: 'recharge', coins: 1000, price: { amount: 1299, currency: 'USD' } });
		await buy({ kind: 'recharge', coins: 500, price: { amount: 500, currency: 'EUR' } });
		await buy({ kind: 'gift', coins: 900, creatorId: 'cr_luna' });
		await buy({ kind: 'gift', coins: 400, creatorId: 'cr_marco' });
		await buy({ kind: 'gift', coins: 150, creatorId: 'cr_nova' });
		return account;
	}

	/** Coins per creator from the ledger itself, between two instants. */
	async function ledgerCoins(accountId: string, from: number, to: number) {
		const rows = await suite.db
			.selectFrom('ledger_entries')
			.select((eb) => ['creator_id', eb.fn.sum<number>('coins').as('coins')])
			.where('account_id', '=', accountId)
			.where('kind', '=', 'gift')
			.where('occurred_at', '>=', from)
			.where('occurred_at', '<', to)
			.groupBy('creator_id')
			.execute();
		return new Map(rows.map((r) => [r.creator_id!, -Number(r.coins)]));
	}

	const number = (text: string) => Number(text.replace(/[^\d]/g, ''));

	async function tableRows(table: Locator) {
		return table.locator('tbody tr').evaluateAll((rows) =>
			rows.map((row) => ({
				id: row.getAttribute('data-creator-id') ?? row.getAttribute('data-month'),
				cells: [...row.querySelectorAll('th, td')].map((cell) => cell.textContent!.trim())
			}))
		);
	}

	async function noSidewaysScroll(page: Page) {
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(width).toBeLessThanOrEqual(390);
	}

	it("shows budgets with their pace and each chart's numbers as the ledger has them", async () => {
		const account = await setUp();
		const context = await suite.browser.newContext({ viewport: { width: 1100, height: 900 } });
		const page = await context.newPage();
		await logIn(page, suite.server.origin, account.email, PASSWORD);

		// Overview: the budget with its bar and pace, the top creators, the balance.
		const budgets = page.getByRole('region', { name: 'Budgets' });
		await expect(budgets.locator('progress').getAttribute('value')).resolves.toBe('1450');
		await budgets.getByText(/1,450 coins spent of 5,000 coins/).waitFor();
		await budgets.getByText(/At this pace you (reach your limit on|stay within it)/).waitFor();
		const top = page.getByRole('table', { name: /Creators you gave the most coins/ });
		expect(await top.locator('tbody th').allTextContents()).toEqual([
			'Luna Beats',
			'Chef Marco',
			'Nova (no handle)'
		]);
		mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: `${SCREENSHOTS}overview.png`, fullPage: true });

		// Creators for the last four months (in the account's zone), charts and their tables.
		const now = DateTime.now().setZone(ZONE);
		const from = now.minus({ months: 3 }).startOf('month');
		const to = now.startOf('month').plus({ months: 1 });
		await page.goto(
			`${suite.server.origin}/creators?from=${from.toISODate()}&to=${to.toISODate()}`,
			{ waitUntil: 'networkidle' }
		);
		expect(await page.locator('canvas').count()).toBe(3);
		const expected = await ledgerCoins(account.id, from.toMillis(), to.toMillis());

		const bars = await tableRows(page.locator('table[data-chart="coins-per-creator"]'));
		expect(new Map(bars.map((r) => [r.id!, number(r.cells[1]!)]))).toEqual(expected);
		// Largest first.
		const coins = bars.map((r) => number(r.cells[1]!));
		expect(coins).toEqual([...coins].sort((a, b) => b - a));
		// This month's Luna gifts cost real money in USD first (oldest coins first).
		expect(bars.find((r) => r.id === 'cr_luna')!.cells[3]).toMatch(/\$/);

		const share = await tableRows(page.locator('table[data-chart="creator-share"]'));
		expect(new Map(share.map((r) => [r.id!, number(r.cells[1]!)]))).toEqual(expected);

		// Monthly stacks: each month's cell equals that month's ledger sum.
		const stackTable = page.locator('table[data-chart="monthly-stacks"]');
		const creatorIds = await stackTable
			.locator('thead th[data-creator-id]')
			.evaluateAll((ths) => ths.map((th) => th.getAttribute('data-creator-id')!));
		expect(creatorIds.length).toBeGreaterThan(0);
		for (const row of await tableRows(stackTable)) {
			const month = DateTime.fromISO(`${row.id}-01`, { zone: ZONE });
			const inMonth = await ledgerCoins(
				account.id,
				month.toMillis(),
				month.plus({ months: 1 }).toMillis()
			);
			creatorIds.forEach((id, i) => {
				expect(number(row.cells[i + 1]!), `${row.id} ${id}`).toBe(inMonth.get(id) ?? 0);
			});
		}
		await page.screenshot({ path: `${SCREENSHOTS}creators.png`, fullPage: true });

		// The gift at 23:30 on the last day of last month counts in last month.
		const lastMonth = now.minus({ months: 1 }).startOf('month');
		await page.goto(
			`${suite.server.origin}/creators?from=${lastMonth.toISODate()}&to=${now.startOf('month').toISODate()}`
		);
		const last = await tableRows(page.locator('table[data-chart="coins-per-creator"]'));
		expect(number(last.find((r) => r.id === 'cr_pixel')!.cells[1]!)).toBe(150 + 77);

		// A bad date names the field and shows this month instead.
		await page.goto(`${suite.server.origin}/creators?from=2026-02-30&to=2026-03-01`);
		await page
			.getByRole('alert')
			.getByText(/^from: is not a date/)
			.waitFor();

		// The directory finds a creator without a handle, whose page shows the timeline and cost.
		await page.getByLabel('Search creators by name or handle').fill('nova');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL(/q=nova/);
		const directory = page.getByRole('region', { name: 'All creators' });
		expect(await directory.getByRole('listitem').allTextContents()).toEqual(['Nova (no handle) ']);
		await directory.getByRole('link', { name: 'Nova (no handle)' }).click();
		await page.getByRole('heading', { name: 'Nova (no handle)' }).waitFor();
		await page
			.getByTestId('creator-totals')
			.getByText(/1,350 coins in 4 gifts, which cost \$/)
			.waitFor();
		expect(
			await page
				.getByRole('list', { name: /Gifts to Nova/ })
				.getByRole('listitem')
				.count()
		).toBe(4);
		await context.close();
	});

	it('reads on a 390 px phone without sideways scrolling', async () => {
		const account = await setUp();
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		await logIn(page, suite.server.origin, account.email, PASSWORD);
		await noSidewaysScroll(page);
		await page.goto(`${suite.server.origin}/creators`, { waitUntil: 'networkidle' });
		await page.locator('table[data-chart="coins-per-creator"]').waitFor();
		await noSidewaysScroll(page);
		await context.close();
	});
});
