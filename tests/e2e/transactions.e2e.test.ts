import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as sessions from '../../src/lib/server/auth/sessions';
import { browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { recordHistory } from '../support/ledger';

const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('transactions in the browser', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	it('filters on a 390 px phone, reads as a list, keeps the filters in the URL and exports them', async () => {
		const account = await accounts.create(suite.db, {
			email: 'phone@example.com',
			displayName: 'Pat Phone',
			password: 'a long enough passphrase',
			timeZone: 'Europe/Paris',
			currency: 'EUR'
		});
		await suite.db
			.insertInto('creators')
			.values([
				{ id: 'cr_luna', handle: 'lunabeats', display_name: 'Luna Beats', first_seen_at: 0 },
				{ id: 'cr_max', handle: 'maxplays', display_name: 'Max Plays', first_seen_at: 0 }
			])
			.execute();
		const base = Date.parse('2026-11-02T10:00:00Z');
		await recordHistory(
			suite.db,
			account.id,
			Array.from({ length: 30 }, (_, i) => ({
				id: `led_p${String(i).padStart(2, '0')}`,
				at: base + i * 3_600_000,
				...(i % 2
					? {
							kind: 'gift' as const,
							coins: -(i + 1),
							creatorId: i % 4 === 1 ? 'cr_luna' : 'cr_max'
						}
					: {
							kind: 'recharge' as const,
							coins: 350,
							price: { amount: 499, currency: 'EUR' },
							paymentMethod: 'card'
						})
			}))
		);
		const { token } = await sessions.create(suite.db, account.id, { userAgent: 'test', ip: null });
		const context = await suite.browser.newContext({
			viewport: { width: 390, height: 844 },
			acceptDownloads: true
		});
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		const page = await context.newPage();
		await page.goto(`${suite.server.origin}/transactions`);
		await page.getByRole('heading', { name: 'Transactions' }).waitFor();

		await page.getByLabel('Kind').selectOption('gift');
		await page.getByLabel('Search creator').fill('luna');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.waitForURL(/kind=gift/);
		const url = new URL(page.url());
		expect(url.searchParams.get('kind')).toBe('gift');
		expect(url.searchParams.get('q')).toBe('luna');

		// On a phone the rows are a list of cards, and the page does not scroll sideways.
		const list = page.getByRole('list', { name: /newest first/ });
		await list.waitFor();
		const items = list.getByRole('listitem');
		expect(await items.count()).toBe(8);
		expect(await page.getByRole('table').isVisible()).toBe(false);
		expect(await items.first().textContent()).toContain('Luna Beats');
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(width).toBeLessThanOrEqual(390);
		await page.screenshot({ path: `${SCREENSHOTS}transactions-phone.png`, fullPage: true });

		// The export link carries the same filters: its rows are the page's.
		const link = page.getByRole('link', { name: 'Download CSV of this view' });
		const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
		expect(download.suggestedFilename()).toMatch(/^coinguard-transactions-.*\.csv$/);
		const text = await new Response(
			(await download.createReadStream()) as unknown as ReadableStream
		).text();
		const rows = parse(text, { columns: true }) as Record<string, string>[];
		const shown = await items.allTextContents();
		expect(rows).toHaveLength(shown.length);
		expect(rows.every((r) => r.creator_name === 'Luna Beats' && r.kind === 'gift')).toBe(true);
		expect(rows.map((r) => `−${-Number(r.coins)} coins`)).toEqual(
			shown.map((t) => /−\d+ coins/.exec(t)![0])
		);
		await context.close();
	});

	it('imports a file with JavaScript: preview, change a column, import, then see the rows', async () => {
		const account = await accounts.create(suite.db, {
			email: 'importer@example.com',
			displayName: 'Ivy Import',
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD'
		});
		const { token } = await sessions.create(suite.db, account.id, { userAgent: 'test', ip: null });
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		const page = await context.newPage();
		await page.goto(`${suite.server.origin}/transactions/import`, { waitUntil: 'networkidle' });
		const lines = ['ref,when,what,coins,paid,ccy,note'];
		for (let i = 0; i < 600; i++) {
			lines.push(
				`r${i},2026-09-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z,recharge,70,1.09,USD,x`
			);
		}
		await page.getByLabel('CSV file', { exact: true }).setInputFiles({
			name: 'other-app.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(lines.join('\n'))
		});
		await page.getByRole('button', { name: 'Preview' }).click();
		await page.getByRole('heading', { name: 'Check the columns' }).waitFor();
		// "ref" and "paid" are not guessed: chosen by hand, then previewed again.
		await page.getByLabel('Source transaction id (optional)').selectOption({ label: 'ref' });
		await page.getByLabel('Money amount (optional)').selectOption({ label: 'paid' });
		await page.getByLabel('Date').selectOption({ label: 'when' });
		await page.getByLabel('Kind (recharge or gift) (optional)').selectOption({ label: 'what' });
		await page.getByRole('button', { name: 'Preview with these columns' }).click();
		await page.getByText('600 rows, 600 ready').waitFor();
		expect((await page.getByRole('table').innerText()).replace(/\s+/g, ' ')).toContain(
			'Recharge +70 coins for $1.09 on Sep 1, 2026'
		);
		await page.getByRole('button', { name: 'Import 600 rows' }).click();
		await page.getByRole('status').getByText('600 imported, 0 skipped as duplicates').waitFor();
		await page.getByRole('link', { name: 'See your transactions' }).click();
		await page.getByText('600 transactions').waitFor();
		await context.close();
	});
});
