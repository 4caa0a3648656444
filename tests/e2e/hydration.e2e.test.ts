import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { arrivedAt, browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { household } from '../support/family';
import { signedInAccount } from '../support/session';

/**
 * Opens `path` with the app's scripts held back, as on a slow phone network: the page is the
 * server's HTML until the returned function lets them load and waits for the page to settle.
 */
async function withLateScripts(page: Page, url: string): Promise<() => Promise<void>> {
	let release = () => {};
	const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await scriptsMayLoad;
		await route.continue();
	});
	await page.goto(url, { waitUntil: 'domcontentloaded' });
	return async () => {
		release();
		await page.waitForLoadState('networkidle');
	};
}

async function signedInContext(context: BrowserContext, cookie: string, origin: string) {
	const [name, value] = cookie.split('=') as [string, string];
	await context.addCookies([{ name, value, url: origin }]);
}

// A person (or a password manager) may fill a form before the page's scripts have run. When they
// do run, they must not put the fields back to what the server rendered: a log-in whose e-mail
// was emptied that way is refused by the browser without a word (CI saw it as a timeout), and a
// filter chosen that way would be submitted as the one the page came with.
describe.runIf(chromiumPath)('typing before the scripts have run', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	it('keeps what was typed into the log-in form, and logs in', async () => {
		await signedInAccount(suite.db, 'early@example.com');
		const context = await suite.browser.newContext();
		const page = await context.newPage();
		const hydrate = await withLateScripts(page, `${suite.server.origin}/login`);
		await page.getByLabel('E-mail').fill('early@example.com');
		await page.getByLabel('Password').fill('a passphrase that is long');
		await hydrate();
		expect(await page.getByLabel('E-mail').inputValue()).toBe('early@example.com');
		expect(await page.getByLabel('Password').inputValue()).toBe('a passphrase that is long');
		await page.getByRole('button', { name: 'Log in' }).click();
		await arrivedAt(page, 'Overview', suite.server);
		await context.close();
	});

	it('keeps a filter chosen in a select, and filters by it', async () => {
		const { cookie } = await signedInAccount(suite.db, 'filter@example.com');
		const context = await suite.browser.newContext();
		await signedInContext(context, cookie, suite.server.origin);
		const page = await context.newPage();
		const hydrate = await withLateScripts(
			page,
			`${suite.server.origin}/transactions?kind=recharge`
		);
		await page.getByLabel('Kind').selectOption('gift');
		await page.getByLabel('Status').selectOption('declined');
		await hydrate();
		expect(await page.getByLabel('Kind').inputValue()).toBe('gift');
		expect(await page.getByLabel('Status').inputValue()).toBe('declined');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.waitForURL(/kind=gift/);
		expect(new URL(page.url()).searchParams.get('status')).toBe('declined');
		// The page now came with these filters: the fields show them.
		expect(await page.getByLabel('Kind').inputValue()).toBe('gift');
		await context.close();
	});

	it('keeps boxes ticked and options chosen on a minor’s controls', async () => {
		const { guardian, child: kid } = await household(suite.db, 'Sam', {
			familyName: 'The Earlies',
			minorName: 'Jo'
		});
		const context = await suite.browser.newContext();
		await signedInContext(context, guardian.cookie, suite.server.origin);
		const page = await context.newPage();
		const hydrate = await withLateScripts(
			page,
			`${suite.server.origin}/family/${kid.accountId}/controls`
		);
		// Safe by default: no gifts, and every coin purchase asks.
		await page.getByLabel('Allow sending gifts to creators').check();
		await page.getByLabel('Ask me before every coin purchase').uncheck();
		await page.getByLabel('What it limits').selectOption('gift');
		await page.getByLabel('Over the cap').selectOption('approval');
		await hydrate();
		expect(await page.getByLabel('Allow sending gifts to creators').isChecked()).toBe(true);
		expect(await page.getByLabel('Ask me before every coin purchase').isChecked()).toBe(false);
		expect(await page.getByLabel('What it limits').inputValue()).toBe('gift');
		expect(await page.getByLabel('Over the cap').inputValue()).toBe('approval');
		await context.close();
	});

	it('keeps a radio button and an option chosen in the add-a-limit form', async () => {
		const { cookie } = await signedInAccount(suite.db, 'radio@example.com');
		const context = await suite.browser.newContext();
		await signedInContext(context, cookie, suite.server.origin);
		const page = await context.newPage();
		const hydrate = await withLateScripts(page, `${suite.server.origin}/budgets`);
		const add = page.locator('form[action="?/add"]');
		await add.getByLabel('Sending gifts').check();
		await add.getByLabel('Period').selectOption('week');
		await hydrate();
		expect(await add.getByLabel('Sending gifts').isChecked()).toBe(true);
		expect(await add.getByLabel('Buying coins').isChecked()).toBe(false);
		expect(await add.getByLabel('Period').inputValue()).toBe('week');
		await context.close();
	});
});
