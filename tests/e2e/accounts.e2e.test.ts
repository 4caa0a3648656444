import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivedAt, launchBrowser } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { chromiumPath } from '../support/environment';
import { startServer, type RunningServer } from '../support/server';

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
// Browser steps are slow on a loaded 2-core machine: generous time, same assertions.
describe.runIf(chromiumPath)('accounts in the browser', { timeout: 90_000 }, () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;

	beforeAll(async () => {
		database = await createTestDatabase('sqlite');
		server = await startServer({ DATABASE_URL: database.url, SEED_DEMO: '1' });
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	it('signs up, logs out, refuses a wrong password, logs in and shows the overview', async () => {
		const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
		const page = await context.newPage();
		await page.goto(`${server.origin}/signup`);
		await page.getByLabel('E-mail').fill('e2e@example.com');
		await page.getByLabel('Display name').fill('Erin Example');
		await page.getByLabel('Password').fill('erin has a long passphrase');
		// The time zone defaults to the browser's.
		await expect.poll(() => page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
		await page.getByRole('button', { name: 'Create account' }).click();
		await arrivedAt(page, 'Overview', server);
		expect(await page.getByTestId('balance').textContent()).toBe('0');
		await expect.poll(() => page.getByText('No transactions yet.').isVisible()).toBe(true);

		await page.getByRole('button', { name: 'Log out' }).click();
		await page.getByRole('heading', { name: 'Log in' }).waitFor();

		await page.getByLabel('E-mail').fill('e2e@example.com');
		await page.getByLabel('Password').fill('not the passphrase');
		await page.getByRole('button', { name: 'Log in' }).click();
		await page.getByRole('alert').getByText('Wrong e-mail or password.').waitFor();

		await page.getByLabel('Password').fill('erin has a long passphrase');
		await page.getByRole('button', { name: 'Log in' }).click();
		await arrivedAt(page, 'Overview', server);
		expect(await page.getByRole('banner').textContent()).toContain('Erin Example');
		await context.close();
	});

	it('signs up without JavaScript too', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${server.origin}/signup`);
		await page.getByLabel('E-mail').fill('nojs@example.com');
		await page.getByLabel('Display name').fill('No Script');
		await page.getByLabel('Password').fill('short');
		// Skip the browser's own minlength check to see the server's message.
		await page.locator('form').evaluate((form) => form.setAttribute('novalidate', ''));
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.getByText('Use at least 8 characters for the password.').waitFor();
		await page.getByLabel('Password').fill('a long enough passphrase');
		await page.getByRole('button', { name: 'Create account' }).click();
		await arrivedAt(page, 'Overview', server);
		await context.close();
	});

	it('lets the printed demo logins in, with their history', async () => {
		expect(server.output()).toContain('alex@demo.coinguard.test');
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.origin}/`);
		await page.getByRole('heading', { name: 'Log in' }).waitFor();
		await page.getByLabel('E-mail').fill('alex@demo.coinguard.test');
		await page.getByLabel('Password').fill('coinguard-demo');
		await page.getByRole('button', { name: 'Log in' }).click();
		await arrivedAt(page, 'Overview', server);
		const balance = Number((await page.getByTestId('balance').textContent())!.replaceAll(',', ''));
		expect(balance).toBeGreaterThan(0);
		expect(
			await page
				.getByRole('table', { name: 'Your ten latest transactions' })
				.getByRole('row')
				.count()
		).toBe(11); // header + 10 latest

		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Transactions' })
			.click();
		await page.getByRole('heading', { name: 'Transactions', exact: true }).waitFor();
		expect(await page.getByRole('row').count()).toBe(51);
		await page.getByRole('link', { name: 'Older' }).click();
		await page.getByRole('link', { name: 'Newest' }).waitFor();
		await context.close();
	});
});
