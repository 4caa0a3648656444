import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import { browserSuite } from '../support/browser';
import { runCli } from '../support/cli';
import { chromiumPath } from '../support/environment';
import { loosenMinor } from '../support/family';
import { callPurchase } from '../support/purchase-api';

const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

// Two people, two browsers, no reloads: the minor's purchase waits, the guardian's open
// Approvals page shows it as it arrives, and the answer turns the minor's page to credited.

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('live approvals in two browsers', { timeout: 120_000 }, () => {
	const suite = browserSuite();

	async function admin(...args: string[]): Promise<Record<string, string>> {
		const result = await runCli('admin', args, suite.url);
		expect(result.code, result.stderr).toBe(0);
		return result.json as Record<string, string>;
	}

	async function signedIn(accountId: string, width: number): Promise<BrowserContext> {
		const { token } = await sessions.create(suite.db, accountId, { userAgent: 'test', ip: null });
		const context = await suite.browser.newContext({ viewport: { width, height: 844 } });
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		return context;
	}

	/** Marks the page, so that a reload (which would drop the mark) is seen. */
	const mark = (page: Page) =>
		page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));
	const stillMarked = (page: Page) =>
		page.evaluate(() => (window as unknown as { mark?: number }).mark === 1);

	it('the guardian sees the request arrive, approves it, and the minor sees it credited', async () => {
		await suite.db
			.insertInto('coin_packs')
			.values({ id: 'pack_usd_660', coins: 660, price_amount: 999, currency: 'USD' })
			.execute();
		const common = [
			'--password',
			'a long enough passphrase',
			'--time-zone',
			'UTC',
			'--currency',
			'USD'
		];
		const robin = await admin(
			'create-user',
			'--email',
			'robin@example.com',
			'--name',
			'Robin',
			...common
		);
		const kit = await admin(
			'create-user',
			'--email',
			'kit@example.com',
			'--name',
			'Kit',
			'--minor',
			...common
		);
		await admin('add-to-family', '--guardian', robin.accountId!, '--minor', kit.accountId!);
		await admin(
			'set-limit',
			'--account',
			kit.accountId!,
			'--applies-to',
			'recharge',
			'--metric',
			'coins',
			'--period',
			'purchase',
			'--amount',
			'100',
			'--action',
			'approval'
		);

		const parent = await (await signedIn(robin.accountId!, 1280)).newPage();
		const child = await (await signedIn(kit.accountId!, 390)).newPage();
		for (const page of [parent, child]) page.setDefaultTimeout(25_000);

		// The guardian's Approvals page is open before anything happens.
		await parent.goto(`${suite.server.origin}/approvals`, { waitUntil: 'networkidle' });
		await parent.getByText('Nothing is waiting for you.').waitFor();
		await parent.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
		await mark(parent);

		// The minor buys a pack and is told it waits.
		await child.goto(`${suite.server.origin}/shop`, { waitUntil: 'networkidle' });
		await mark(child);
		await child.getByRole('radio', { name: /^660 coins/ }).check();
		await child.getByRole('radio', { name: 'Card' }).check();
		await child.getByRole('button', { name: 'Buy coins' }).click();
		await child
			.getByRole('status')
			.getByText(/Waiting for a guardian/)
			.waitFor();
		await child.screenshot({ path: `${SCREENSHOTS}minor-waiting.png`, fullPage: true });

		// The request appears on the guardian's page live, with its context, and the bell counts it.
		const request = parent.getByTestId('request').filter({ hasText: 'Kit' });
		await request.getByRole('heading', { name: 'Kit: 660 coins for $9.99' }).waitFor();
		await request.getByText('Coins on the web, paid by card').waitFor();
		await request.getByText(/in one purchase.*100 coins left/).waitFor();
		await request.getByText('Every coin purchase asks a guardian', { exact: true }).waitFor();
		await parent.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
		await parent
			.getByTestId('news')
			.getByText('Kit asks to buy 660 coins for $9.99 on the web.')
			.waitFor();
		expect(await stillMarked(parent)).toBe(true);
		await parent.screenshot({ path: `${SCREENSHOTS}guardian-approvals.png`, fullPage: true });

		// The answer turns the minor's page to credited, without a reload.
		await request.getByRole('button', { name: 'Approve Kit: 660 coins for $9.99' }).click();
		await parent
			.getByRole('status')
			.getByText('Approved: the purchase can go through now.')
			.waitFor();
		await child
			.getByRole('status')
			.getByText('660 coins credited. Your balance is now 660 coins.')
			.waitFor();
		await child.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
		await expect.poll(() => child.getByTestId('balance').textContent()).toBe('660');
		expect(await stillMarked(child)).toBe(true);
		await child.screenshot({ path: `${SCREENSHOTS}minor-credited.png`, fullPage: true });

		// The minor reads the notice; marking it read empties the bell.
		await child.getByRole('link', { name: 'Notifications, 1 unread' }).click();
		await child.getByRole('heading', { name: 'Notifications' }).waitFor();
		await child
			.getByTestId('notice')
			.filter({ hasText: "Robin approved Kit's request for 660 coins for $9.99." })
			.waitFor();
		await child.getByRole('button', { name: /^Mark as read/ }).click();
		await child.getByRole('link', { name: 'Notifications, none unread' }).waitFor();

		// The family's audit log shows the decision: who, what, and the purchase it was about.
		await parent.goto(`${suite.server.origin}/family/audit`);
		const decision = parent.getByRole('listitem').filter({ hasText: 'Approved a purchase' });
		await decision.first().waitFor();
		expect(await decision.first().textContent()).toContain('Robin');
	});

	it('a gift waiting on the live page turns to sent, and both of the guardian’s tabs follow the answer', async () => {
		await suite.db
			.insertInto('gifts')
			.values({ id: 'gift_live_rose', name: 'Rose', coins: 10, emoji: '🌹' })
			.execute();
		await suite.db
			.insertInto('creators')
			.values({ id: 'cr_live', handle: 'starlive', display_name: 'Star Live', first_seen_at: 0 })
			.execute();
		const common = ['--password', 'a long enough passphrase', '--time-zone', 'UTC'];
		const sam = await admin(
			'create-user',
			'--email',
			'sam@example.com',
			'--name',
			'Sam',
			...common
		);
		const jo = await admin(
			'create-user',
			'--email',
			'jo@example.com',
			'--name',
			'Jo',
			'--minor',
			...common
		);
		await admin('add-to-family', '--guardian', sam.accountId!, '--minor', jo.accountId!);
		// Jo may send gifts, each of which asks a guardian, and has coins to send.
		await loosenMinor(suite.db, sam.accountId!, jo.accountId!, {
			rules: { giftingAllowed: true },
			asks: { recharge: false, gift: true }
		});
		const { key } = await apiKeys.create(suite.db, 'live e2e');
		const bought = await callPurchase(suite.server.origin, key, 'authorize', {
			idempotencyKey: 'live-e2e-coins',
			accountId: jo.accountId!,
			kind: 'recharge',
			coins: 100,
			price: { amount: 199, currency: 'USD' },
			channel: 'web',
			paymentMethod: 'card'
		});
		await callPurchase(suite.server.origin, key, 'capture', {
			authorizationId: bought.data!.authorizationId
		});

		// Two tabs of the same guardian (one browser, one session), both on Approvals.
		const guardian = await signedIn(sam.accountId!, 1280);
		const tabs = [await guardian.newPage(), await guardian.newPage()] as const;
		const child = await (await signedIn(jo.accountId!, 390)).newPage();
		for (const page of [...tabs, child]) page.setDefaultTimeout(25_000);
		for (const tab of tabs) {
			await tab.goto(`${suite.server.origin}/approvals`, { waitUntil: 'networkidle' });
			await tab.getByText('Nothing is waiting for you.').waitFor();
			await mark(tab);
		}

		// Jo sends a rose on the creator's live page; it waits for a guardian.
		await child.goto(`${suite.server.origin}/live/starlive`, { waitUntil: 'networkidle' });
		await mark(child);
		await child.getByRole('button', { name: 'Send Rose (10 coins)' }).click();
		await child
			.getByRole('status')
			.getByText(/Waiting for a guardian/)
			.waitFor();

		const what = 'Jo: A gift of 10 coins to @starlive';
		for (const tab of tabs) {
			await tab.getByRole('heading', { name: what }).waitFor();
			await tab.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
		}

		// Sam approves in the first tab; the second follows without a reload.
		await tabs[0].getByRole('button', { name: `Approve ${what}` }).click();
		await tabs[0]
			.getByRole('status')
			.getByText('Approved: the purchase can go through now.')
			.waitFor();
		await tabs[1].getByText('Nothing is waiting for you.').waitFor();
		await tabs[1]
			.getByTestId('decided')
			.filter({ hasText: 'by Sam' })
			.getByText('Approved')
			.waitFor();
		await tabs[1]
			.getByTestId('news')
			.getByText("You approved Jo's request for a gift of 10 coins to Star Live.")
			.waitFor();
		// The request Sam answered no longer counts as unread, in either tab.
		for (const tab of tabs) {
			await tab.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
		}
		expect(await stillMarked(tabs[1])).toBe(true);

		// Jo's waiting gift turns to sent, without a reload.
		await child.getByRole('status').getByText('Rose sent to Star Live.').waitFor();
		await expect.poll(() => child.getByTestId('balance').textContent()).toBe('90');
		expect(await stillMarked(child)).toBe(true);
	});
});

mkdirSync(SCREENSHOTS, { recursive: true });
