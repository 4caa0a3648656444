import { describe, expect, it } from 'vitest';
import { arrivedAt, browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { signedInAccount } from '../support/session';

// A person (or a password manager) may fill a form before the page's scripts have run. When they
// do run, they must not put the fields back to what the server rendered: a log-in whose e-mail
// was emptied that way is refused by the browser without a word (CI saw it as a timeout).
describe.runIf(chromiumPath)('typing before the scripts have run', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	it('keeps what was typed into the log-in form, and logs in', async () => {
		await signedInAccount(suite.db, 'early@example.com');
		const context = await suite.browser.newContext();
		const page = await context.newPage();
		// The scripts arrive late, as on a slow phone network.
		let release = () => {};
		const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/_app/immutable/**/*.js', async (route) => {
			await scriptsMayLoad;
			await route.continue();
		});
		await page.goto(`${suite.server.origin}/login`, { waitUntil: 'domcontentloaded' });
		await page.getByLabel('E-mail').fill('early@example.com');
		await page.getByLabel('Password').fill('a passphrase that is long');
		release();
		await page.waitForLoadState('networkidle');
		expect(await page.getByLabel('E-mail').inputValue()).toBe('early@example.com');
		expect(await page.getByLabel('Password').inputValue()).toBe('a passphrase that is long');
		await page.getByRole('button', { name: 'Log in' }).click();
		await arrivedAt(page, 'Overview', suite.server);
		await context.close();
	});
});
