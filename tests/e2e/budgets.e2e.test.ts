import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import { browserSuite, logIn } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { callPurchase } from '../support/purchase-api';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase';
const PHONE = { width: 390, height: 844 };
const TABS = [
	'Overview',
	'Get coins',
	'Transactions',
	'Creators',
	'Budgets',
	'Family',
	'Approvals',
	'Settings'
];

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)(
	'budgets and the phone layout in the browser',
	{ timeout: 120_000 },
	() => {
		const suite = browserSuite();
		let people = 0;

		/** An adult with coins bought and captured through the purchase API. */
		async function shopper(coins: number) {
			const email = `budget-e2e-${++people}@example.com`;
			const account = await accounts.create(suite.db, {
				email,
				displayName: 'Robin Budgeter',
				password: PASSWORD,
				timeZone: 'America/New_York',
				currency: 'USD'
			});
			if (coins > 0) {
				const { key } = await apiKeys.create(suite.db, `e2e ${people}`);
				const asked = await callPurchase(suite.server.origin, key, 'authorize', {
					idempotencyKey: `e2e-${people}`,
					accountId: account.id,
					kind: 'recharge',
					coins,
					price: { amount: coins * 2, currency: 'USD' },
					channel: 'web',
					paymentMethod: 'card'
				});
				await callPurchase(suite.server.origin, key, 'capture', {
					authorizationId: asked.data!.authorizationId
				});
			}
			return { account, email };
		}

		async function seedCatalogue() {
			await suite.db
				.insertInto('gifts')
				.values([
					{ id: 'gift_e2e_rose', name: 'Rose', coins: 10, emoji: '🌹' },
					{ id: 'gift_e2e_star', name: 'Star', coins: 400, emoji: '⭐' }
				])
				.onConflict((oc) => oc.doNothing())
				.execute();
			await suite.db
				.insertInto('creators')
				.values({
					id: 'creator_e2e',
					handle: 'stargazer',
					display_name: 'Star Gazer',
					first_seen_at: 0
				})
				.onConflict((oc) => oc.doNothing())
				.execute();
		}

		const noSideways = (page: Page) =>
			page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth);

		it('on a 390 px phone the navigation fits, and every tab is reached by keyboard', async () => {
			const { email } = await shopper(0);
			const context = await suite.browser.newContext({ viewport: PHONE });
			const page = await context.newPage();
			await logIn(page, suite.server.origin, email, PASSWORD);
			for (const path of ['/', '/budgets', '/settings', '/transactions']) {
				await page.goto(`${suite.server.origin}${path}`, { waitUntil: 'networkidle' });
				expect(await noSideways(page), `no sideways scroll on ${path}`).toBe(true);
			}
			await page.goto(`${suite.server.origin}/budgets`, { waitUntil: 'networkidle' });
			// From the top: skip link, brand, bell, log out, then the menu button.
			await page.keyboard.press('Tab');
			const focused: string[] = [];
			for (let i = 0; i < 8 && focused.at(-1) !== 'summary'; i++) {
				await page.keyboard.press('Tab');
				focused.push(await page.evaluate(() => document.activeElement!.tagName.toLowerCase()));
			}
			expect(focused.at(-1)).toBe('summary');
			await page.keyboard.press('Enter');
			const reached: string[] = [];
			for (const _ of TABS) {
				await page.keyboard.press('Tab');
				reached.push(
					await page.evaluate(() => (document.activeElement as HTMLElement).innerText.trim())
				);
			}
			expect(reached).toEqual(TABS);
			// Each one is in view and whole: not cut to "Cr…".
			for (const label of TABS) {
				const link = page
					.getByRole('navigation', { name: 'Main' })
					.getByRole('link', { name: label, exact: true });
				expect(await link.isVisible()).toBe(true);
				const cut = await link.evaluate((el) => el.scrollWidth > el.clientWidth);
				expect(cut, `${label} is not cut`).toBe(false);
			}
			expect(await noSideways(page)).toBe(true);
			await page.keyboard.press('Enter'); // the last one: Settings
			await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
			await context.close();
		});

		it('the Budgets page shows progress, edits a limit, and cancels a raise (screenshots)', async () => {
			const { email } = await shopper(620);
			const context = await suite.browser.newContext({ viewport: { width: 1100, height: 900 } });
			const page = await context.newPage();
			await logIn(page, suite.server.origin, email, PASSWORD);
			await page.goto(`${suite.server.origin}/budgets`, { waitUntil: 'networkidle' });
			const add = page.locator('form[action="?/add"]');
			await add.getByLabel('Amount', { exact: true }).fill('1000');
			await add.getByRole('button', { name: 'Add limit' }).click();
			await page.getByText('Limit added. It applies from now on.').waitFor();
			await add.getByLabel('Amount', { exact: true }).fill('600');
			await add.getByLabel('Period').selectOption('week');
			await add.getByRole('button', { name: 'Add limit' }).click();
			await page.getByTestId('over-notice').waitFor();
			expect(await page.getByTestId('over-notice').innerText()).toContain(
				'You have already used 620 coins this period, more than this limit of 600 coins'
			);
			const monthly = page.locator('li', { hasText: 'At most 1,000 coins bought per month' });
			expect(await monthly.innerText()).toMatch(
				/Spent\s+620 coins\s+Held\s+0 coins\s+Left\s+380 coins/
			);

			// A raise: it waits 24 hours with a countdown, then is cancelled.
			await monthly.getByText('Edit').click();
			await monthly.getByLabel('Amount (coins)').fill('2000');
			await monthly.getByLabel('Roll over at most (% of the limit)').fill('25');
			await monthly.getByRole('button', { name: /Save changes/ }).click();
			await page.getByText('The looser limit takes effect on').waitFor();
			const waiting = page.getByTestId('waiting');
			expect(await waiting.innerText()).toMatch(/Takes effect in (24 h|23 h \d+ min)/);
			await page.screenshot({ path: `${SCREENSHOTS}budgets.png`, fullPage: true });
			await page.getByRole('button', { name: /Cancel this change/ }).click();
			await page.getByText('Change cancelled. The limit stays as it was.').waitFor();
			expect(await page.getByTestId('waiting').count()).toBe(0);

			await page.setViewportSize(PHONE);
			expect(await noSideways(page)).toBe(true);
			await page.screenshot({ path: `${SCREENSHOTS}budgets-phone.png`, fullPage: true });
			await context.close();
		});

		for (const javaScriptEnabled of [true, false]) {
			it(`a large gift asks for a confirmation first (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
				await seedCatalogue();
				const { email, account } = await shopper(1000);
				await accounts.setGiftConfirmOver(suite.db, account.id, 100);
				const context = await suite.browser.newContext({ viewport: PHONE, javaScriptEnabled });
				const page = await context.newPage();
				if (javaScriptEnabled) await logIn(page, suite.server.origin, email, PASSWORD);
				else {
					await page.goto(`${suite.server.origin}/login`);
					await page.getByLabel('E-mail').fill(email);
					await page.getByLabel('Password').fill(PASSWORD);
					await page.getByRole('button', { name: 'Log in' }).click();
					await page.getByRole('heading', { name: 'Overview' }).waitFor();
				}
				await page.goto(`${suite.server.origin}/live/stargazer`, { waitUntil: 'networkidle' });
				await page.getByRole('button', { name: 'Send Star (400 coins)' }).click();
				await page.getByRole('heading', { name: 'Send this gift?' }).waitFor();
				expect(await page.getByTestId('balance').innerText()).toBe('1,000');
				await page.getByRole('button', { name: 'Yes, send 400 coins' }).click();
				await page.getByText('Sent: ⭐ Star sent to Star Gazer.').waitFor();
				expect(await page.getByTestId('gift-confirm').count()).toBe(0);
				const balance = await suite.db
					.selectFrom('accounts')
					.select('coin_balance')
					.where('id', '=', account.id)
					.executeTakeFirstOrThrow();
				expect(balance.coin_balance).toBe(600);
				// A small gift is sent at once.
				await page.getByRole('button', { name: 'Send Rose (10 coins)' }).click();
				await page.getByText('Sent: 🌹 Rose sent to Star Gazer.').waitFor();
				await context.close();
			});
		}
	}
);
