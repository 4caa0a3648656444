import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn } from '../support/browser';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { chromiumPath } from '../support/environment';
import { startServer, type RunningServer } from '../support/server';

const PASSWORD = 'a long enough passphrase';
const TIME_ZONE = 'America/New_York';

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('the coin shop and gifts in the browser', { timeout: 90_000 }, () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;
	let users = 0;

	beforeAll(async () => {
		database = await createTestDatabase('sqlite');
		const { db } = await database.open();
		await db
			.insertInto('coin_packs')
			.values([
				{ id: 'pack_usd_65', coins: 65, price_amount: 99, currency: 'USD' },
				{ id: 'pack_usd_660', coins: 660, price_amount: 999, currency: 'USD' },
				{ id: 'pack_eur_65', coins: 65, price_amount: 109, currency: 'EUR' }
			])
			.execute();
		await db
			.insertInto('gifts')
			.values([
				{ id: 'gift_rose', name: 'Rose', coins: 1, emoji: '🌹' },
				{ id: 'gift_doughnut', name: 'Doughnut', coins: 30, emoji: '🍩' },
				{ id: 'gift_galaxy', name: 'Galaxy', coins: 1000, emoji: '🌌' }
			])
			.execute();
		await db
			.insertInto('creators')
			.values({
				id: 'creator_luna',
				handle: 'lunabeats',
				display_name: 'Luna Beats',
				first_seen_at: Date.now()
			})
			.execute();
		server = await startServer({ DATABASE_URL: database.url });
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	/** A new account made with the operator CLI, logged in through the login page. */
	async function loggedIn(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
		const email = `shopper${++users}@example.com`;
		const created = await runCli(
			'admin',
			[
				'create-user',
				'--email',
				email,
				'--password',
				PASSWORD,
				'--time-zone',
				TIME_ZONE,
				'--currency',
				'USD'
			],
			database.url
		);
		expect(created.code, created.stderr).toBe(0);
		const context = await browser.newContext(options);
		const page = await context.newPage();
		// A missing element fails with the locator that is missing, before the test's own timeout.
		page.setDefaultTimeout(25_000);
		await logIn(page, server.origin, email, PASSWORD, server);
		return page;
	}

	const balance = (page: Page) => page.getByTestId('balance').textContent();

	async function buy(page: Page, pack: RegExp, options: { failPayment?: boolean } = {}) {
		await page.getByRole('radio', { name: pack }).check();
		await page.getByRole('radio', { name: 'Card' }).check();
		if (options.failPayment) await page.getByLabel('Simulate a failed payment').check();
		await page.getByRole('button', { name: 'Buy coins' }).click();
	}

	it('buys a pack, is stopped by a monthly budget, and keeps the balance when payment fails', async () => {
		const page = await loggedIn();
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Get coins' })
			.click();
		await page.getByRole('heading', { name: 'Get coins' }).waitFor();
		expect(await balance(page)).toBe('0');
		// Prices in the account's currency only, with the price per 100 coins.
		expect(await page.getByRole('group', { name: 'Coin pack' }).getByRole('radio').count()).toBe(2);
		await page.getByRole('radio', { name: /^65 coins \$0\.99 \$1\.52 per 100 coins$/ }).waitFor();

		await buy(page, /^660 coins/);
		await page
			.getByRole('status')
			.getByText('660 coins credited. Your balance is now 660 coins.')
			.waitFor();
		await expect.poll(() => balance(page)).toBe('660');

		// A monthly budget of 1,000 coins, set on the Budgets page.
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Budgets' })
			.click();
		await page.getByRole('heading', { name: 'Budgets', exact: true }).waitFor();
		await page.getByText('Raising or removing a limit waits 24 hours').waitFor();
		expect(await page.getByRole('radio', { name: 'Buying coins' }).isChecked()).toBe(true);
		await page.getByLabel('Amount', { exact: true }).fill('1000');
		await page.getByLabel('Period').selectOption('month');
		await page.getByRole('button', { name: 'Add limit' }).click();
		await page.getByRole('status').getByText('Limit added.').waitFor();
		await page
			.getByRole('listitem')
			.getByText('At most 1,000 coins bought per month — block', { exact: true })
			.waitFor();
		// A fresh form with its defaults again, ready for the next limit.
		expect(await page.getByRole('radio', { name: 'Buying coins' }).isChecked()).toBe(true);
		expect(await page.getByLabel('Period').inputValue()).toBe('month');

		// 660 more would make 1,320 this month: declined, with the day the budget resets.
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Get coins' })
			.click();
		await buy(page, /^660 coins/);
		const alert = page.getByRole('alert').filter({ hasText: 'Not bought' });
		await alert.getByText('over the limit of 1,000 coins').waitFor();
		const resets = DateTime.now().setZone(TIME_ZONE).startOf('month').plus({ months: 1 });
		expect(await alert.locator('time').getAttribute('datetime')).toBe(
			new Date(resets.toMillis()).toISOString()
		);
		const day = new Intl.DateTimeFormat('en', {
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			timeZone: TIME_ZONE
		}).format(resets.toMillis());
		expect(await alert.textContent()).toContain(`The limit resets on`);
		expect(await alert.textContent()).toContain(day);
		expect(await balance(page)).toBe('660');

		// Within the budget, but the payment fails: nothing is credited.
		await buy(page, /^65 coins/, { failPayment: true });
		await page
			.getByRole('alert')
			.getByText('Payment failed: nothing was charged and the hold was released.')
			.waitFor();
		await page.reload();
		expect(await balance(page)).toBe('660');
		await page.context().close();
	});

	it('sends a gift on a creator page, and refuses one the balance cannot cover', async () => {
		const page = await loggedIn();
		await page.goto(`${server.origin}/shop`);
		await buy(page, /^65 coins/);
		await page.getByRole('status').getByText('Your balance is now 65 coins.').waitFor();

		await page.goto(`${server.origin}/live/lunabeats`);
		await page.getByRole('heading', { name: 'Luna Beats' }).waitFor();
		expect(await page.getByTestId('given-this-month').textContent()).toBe('0 coins');
		const galaxy = page.getByRole('button', { name: 'Send Galaxy (1,000 coins)' });
		expect(await galaxy.isDisabled()).toBe(true);
		await page.getByText('cannot be sent').getByRole('link', { name: 'Get coins' }).waitFor();

		await page.getByRole('button', { name: 'Send Rose (1 coin)' }).click();
		await page
			.getByRole('status')
			.getByText('Rose sent to Luna Beats. Your balance is now 64 coins.')
			.waitFor();
		await expect.poll(() => balance(page)).toBe('64');
		await expect.poll(() => page.getByTestId('given-this-month').textContent()).toBe('1 coin');

		const missing = await page.goto(`${server.origin}/live/nobody-here`);
		expect(missing?.status()).toBe(404);
		await page.getByRole('heading', { name: 'Creator not found' }).waitFor();
		await page.getByText('No creator goes by @nobody-here.').waitFor();
		await page.context().close();
	});

	it('declines a gift the coins left after gifts on hold cannot cover, and links to more coins', async () => {
		const page = await loggedIn();
		await page.goto(`${server.origin}/shop`);
		await buy(page, /^65 coins/);
		await page.getByRole('status').getByText('Your balance is now 65 coins.').waitFor();

		// Another device's gift of 50 coins is on hold, not yet captured.
		const { db } = await database.open();
		const account = await db
			.selectFrom('accounts')
			.select('id')
			.where('email', '=', `shopper${users}@example.com`)
			.executeTakeFirstOrThrow();
		const key = await runCli('admin', ['create-api-key', '--name', 'gift button'], database.url);
		expect(key.code, key.stderr).toBe(0);
		const held = await fetch(`${server.origin}/api/trpc/purchase.authorize`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${key.json!.apiKey}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify({
				idempotencyKey: 'other-device',
				accountId: account.id,
				kind: 'gift',
				coins: 50,
				creatorId: 'creator_luna'
			})
		});
		expect(
			((await held.json()) as { result: { data: { decision: string } } }).result.data
		).toMatchObject({
			decision: 'approved'
		});

		await page.goto(`${server.origin}/live/lunabeats`);
		await page.getByRole('button', { name: 'Send Doughnut (30 coins)' }).click();
		const alert = page.getByRole('alert');
		await alert.getByText('Not sent: not enough coins.').waitFor();
		await alert
			.getByText(
				'This gift needs 30 coins and 15 are available (65 in the balance, 50 on hold for other gifts).'
			)
			.waitFor();
		await alert.getByRole('link', { name: 'Get more coins' }).click();
		await page.getByRole('heading', { name: 'Get coins' }).waitFor();
		expect(await balance(page)).toBe('65');
		await page.context().close();
	});

	it('buys, gifts and sets a budget without JavaScript, through the built-in key', async () => {
		const page = await loggedIn({ javaScriptEnabled: false });
		await page.goto(`${server.origin}/shop`);
		await buy(page, /^65 coins/);
		await page.getByText('65 coins credited. Your balance is now 65 coins.').waitFor();
		expect(await balance(page)).toBe('65');

		await page.goto(`${server.origin}/live/lunabeats`);
		await page.getByRole('button', { name: 'Send Rose (1 coin)' }).click();
		await page.getByText('Rose sent to Luna Beats. Your balance is now 64 coins.').waitFor();
		expect(await balance(page)).toBe('64');

		await page.goto(`${server.origin}/budgets`);
		await page.getByRole('radio', { name: 'Sending gifts' }).check();
		await page.getByLabel('Amount', { exact: true }).fill('10');
		await page.getByLabel('Creator (optional)').fill('@nobody-here');
		await page.getByRole('button', { name: 'Add limit' }).click();
		await page.getByRole('alert').getByText('No creator has the handle "@nobody-here".').waitFor();
		// The choices survive the round trip.
		expect(await page.getByRole('radio', { name: 'Sending gifts' }).isChecked()).toBe(true);
		await page.getByLabel('Creator (optional)').fill('lunabeats');
		await page.getByRole('button', { name: 'Add limit' }).click();
		await page
			.getByRole('listitem')
			.getByText('At most 10 coins given in gifts to Luna Beats per month — block', { exact: true })
			.waitFor();

		// The pages went through /api/trpc with an operator key the app made for itself.
		const { db } = await database.open();
		const keys = await db
			.selectFrom('api_keys')
			.select(['name', 'account_id', 'last_used_at'])
			.where('name', 'like', 'built-in shop (pid %')
			.execute();
		expect(keys).toHaveLength(1);
		expect(keys[0]).toMatchObject({ account_id: null });
		expect(keys[0]!.last_used_at).not.toBeNull();
		await page.context().close();
	});

	it('creates an API key on Settings, shows it once, and revokes it', async () => {
		const page = await loggedIn();
		await page.goto(`${server.origin}/settings`);
		await page
			.getByText("read this account's own reports through Coinguard's API, and nothing else")
			.waitFor();
		await page.getByLabel('Name', { exact: true }).fill('My recharge script');
		await page.getByRole('button', { name: 'Create key' }).click();
		const shown = page.getByLabel('Your new API key');
		await expect.poll(() => shown.inputValue()).toMatch(/^cg_/);
		await page.getByText('it is shown only this once').waitFor();
		await page.getByRole('cell', { name: 'My recharge script', exact: true }).waitFor();

		await page.getByRole('button', { name: 'Revoke key My recharge script' }).click();
		await page.getByText('API key "My recharge script" revoked.').waitFor();
		await page.getByRole('cell', { name: /^Revoked / }).waitFor();
		await page.context().close();
	});
});
