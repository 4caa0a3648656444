import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import { OKABE_ITO, OKABE_ITO_ON_LIGHT } from '../../src/lib/charts/palette';
import { arrivedAt, browserSuite, logIn } from '../support/browser';
import { luminance, type Rgb } from '../support/colour';
import { chromiumPath } from '../support/environment';
import { callPurchase } from '../support/purchase-api';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase';

/** `rgb(r, g, b)` as the browser computes a colour. */
function rgb(css: string): Rgb {
	const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.map(Number);
	return [r!, g!, b!];
}

/** A CSS variable as the page resolves it now. */
const variable = (page: Page, name: string) =>
	page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);

/**
 * How many pixels of a chart's canvas are within `tolerance` (per channel, 0–255) of `hex`:
 * what the chart really drew, whatever code chose the colour.
 */
function pixelsNear(canvas: Locator, hex: string, tolerance = 0) {
	return canvas.evaluate(
		(c: HTMLCanvasElement, [hex, tolerance]) => {
			const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
			const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
			let count = 0;
			for (let i = 0; i < data.length; i += 4) {
				if (data[i + 3] === 255 && want.every((w, k) => Math.abs(data[i + k]! - w) <= tolerance))
					count++;
			}
			return count;
		},
		[hex, tolerance] as const
	);
}

// The dark theme in a browser that asks for it: the pages' colours, and charts drawn in the
// dark theme's colours, then redrawn in the light ones when the system switches.
describe.runIf(chromiumPath)('the dark theme in the browser', { timeout: 120_000 }, () => {
	const suite = browserSuite();

	async function giver() {
		await suite.db
			.insertInto('creators')
			.values(
				[
					['cr_luna', 'lunabeats', 'Luna Beats'],
					['cr_marco', 'chefmarco', 'Chef Marco'],
					['cr_pixel', 'pixelpaws', 'Pixel Paws']
				].map(([id, handle, name]) => ({
					id: id!,
					handle: handle!,
					display_name: name!,
					first_seen_at: 0,
					created_by_api_key_id: null
				}))
			)
			.execute();
		const account = await accounts.create(suite.db, {
			email: 'night-owl@example.com',
			displayName: 'Robin Nightowl',
			password: PASSWORD,
			timeZone: 'UTC',
			currency: 'USD'
		});
		const { key } = await apiKeys.create(suite.db, 'theme-flow');
		const purchases = [
			{ kind: 'recharge', coins: 3000, price: { amount: 2999, currency: 'USD' } },
			{ kind: 'gift', coins: 900, creatorId: 'cr_luna' },
			{ kind: 'gift', coins: 600, creatorId: 'cr_marco' },
			{ kind: 'gift', coins: 300, creatorId: 'cr_pixel' }
		];
		for (const [i, purchase] of purchases.entries()) {
			const asked = await callPurchase(suite.server.origin, key, 'authorize', {
				idempotencyKey: `theme-${i}`,
				accountId: account.id,
				...purchase
			} as never);
			expect(asked.data?.decision, asked.text).toBe('approved');
			await callPurchase(suite.server.origin, key, 'capture', {
				authorizationId: asked.data!.authorizationId
			});
		}
		return account;
	}

	it('shows the Overview and the Creators charts dark, and follows a switch to light', async () => {
		const account = await giver();
		const context = await suite.browser.newContext({
			colorScheme: 'dark',
			// Charts then draw at once, without the growing animation, for the pixels and the shot.
			reducedMotion: 'reduce',
			viewport: { width: 1100, height: 900 }
		});
		const page = await context.newPage();
		await logIn(page, suite.server.origin, account.email, PASSWORD, suite.server);

		// The page is dark and its text light; so is the brand bar.
		const colours = await page.evaluate(() => ({
			page: getComputedStyle(document.documentElement).backgroundColor,
			text: getComputedStyle(document.body).color,
			header: getComputedStyle(document.querySelector('header')!).backgroundColor,
			card: getComputedStyle(document.querySelector('.card')!).backgroundColor
		}));
		expect(luminance(rgb(colours.page))).toBeLessThan(0.02);
		expect(luminance(rgb(colours.card))).toBeLessThan(0.02);
		expect(luminance(rgb(colours.header))).toBeLessThan(0.05);
		expect(luminance(rgb(colours.text))).toBeGreaterThan(0.7);

		await page.getByRole('link', { name: 'Creators' }).first().click();
		await arrivedAt(page, 'Coins per creator', suite.server);
		const bars = page
			.getByRole('img', { name: /Bar chart of coins per creator/ })
			.locator('canvas');
		const stacks = page.getByRole('img', { name: /Stacked bar chart/ }).locator('canvas');
		const darkInk = await variable(page, '--ink');
		const darkLine = await variable(page, '--line');
		expect(luminance(darkInk)).toBeGreaterThan(0.7);

		// Axis text in the dark theme's ink, grid lines in its line colour (drawn pixel-aligned,
		// so exactly), and the second creator's stack in the published orange.
		await expect.poll(() => pixelsNear(bars, darkInk, 8)).toBeGreaterThan(20);
		expect(await pixelsNear(bars, darkLine)).toBeGreaterThan(100);
		expect(await pixelsNear(stacks, OKABE_ITO[1])).toBeGreaterThan(100);
		expect(await pixelsNear(stacks, OKABE_ITO_ON_LIGHT[1])).toBe(0);

		mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: `${SCREENSHOTS}creators-dark.png`, fullPage: true });

		// The system turns light: the charts are drawn again in the light theme's colours.
		await page.emulateMedia({ colorScheme: 'light' });
		const lightInk = await variable(page, '--ink');
		expect(luminance(lightInk)).toBeLessThan(0.05);
		await expect.poll(() => pixelsNear(stacks, OKABE_ITO_ON_LIGHT[1])).toBeGreaterThan(100);
		expect(await pixelsNear(stacks, OKABE_ITO[1])).toBe(0);
		expect(await pixelsNear(bars, lightInk, 8)).toBeGreaterThan(20);
		expect(await pixelsNear(bars, darkInk, 8)).toBe(0);
		await context.close();
	});
});
