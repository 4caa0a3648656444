import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { household } from '../support/family';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('a minor’s controls in the browser', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	it('a guardian loosens a rule with the password again, gives a standing approval, and the child sees them locked', async () => {
		const { guardian, child: kid } = await household(suite.db, 'Robin', {
			familyName: 'The Lees',
			minorName: 'Kit'
		});
		// The guardian typed their password at log-in more than ten minutes ago.
		await suite.db
			.updateTable('sessions')
			.set({ password_at: Date.now() - 11 * 60_000 })
			.where('account_id', '=', guardian.accountId)
			.execute();

		const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const [name, value] = guardian.cookie.split('=') as [string, string];
		await context.addCookies([{ name, value, url: suite.server.origin }]);
		const page = await context.newPage();
		page.setDefaultTimeout(25_000);
		await page.goto(`${suite.server.origin}/family`);
		await page.getByRole('link', { name: 'Controls for Kit' }).click();
		await page.getByRole('heading', { name: 'Controls', exact: true }).waitFor();
		// Safe by default.
		expect(await page.getByLabel('Allow sending gifts to creators').isChecked()).toBe(false);
		expect(await page.getByLabel('Ask me before every coin purchase').isChecked()).toBe(true);
		expect(await page.getByLabel('Gift cards').isChecked()).toBe(false);

		await page.getByLabel('Allow sending gifts to creators').check();
		await page.getByLabel('From').fill('21:00');
		await page.getByLabel('To', { exact: true }).fill('07:00');
		await page.getByRole('button', { name: 'Save rules' }).click();
		// Loosening: the password is asked in the same form, focused.
		const password = page.locator('#reauth-rules');
		await password.waitFor();
		await password.fill('a passphrase that is long');
		await page.getByRole('button', { name: 'Save rules' }).click();
		await page.getByText('Saved. The new rules apply to the next purchase.').waitFor();
		expect(await page.getByLabel('Allow sending gifts to creators').isChecked()).toBe(true);

		// Within ten minutes of typing it, a standing approval needs no password again.
		await page.getByLabel('For', { exact: true }).selectOption('gift');
		await page.getByLabel('Up to (coins)').fill('500');
		await page.getByLabel('Every', { exact: true }).selectOption('week');
		await page.getByLabel('Only to these creators (optional)').fill('lunabeats, chefmarco');
		await page.getByRole('button', { name: 'Add standing approval' }).click();
		await page.getByText('Standing approval added.').waitFor();
		await page
			.getByText('Sending gifts: up to 500 coins a week, to lunabeats, chefmarco', { exact: true })
			.waitFor();
		mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: `${SCREENSHOTS}guardian-controls.png`, fullPage: true });

		const rules = await suite.db
			.selectFrom('account_rules')
			.selectAll()
			.where('account_id', '=', kid.accountId)
			.executeTakeFirstOrThrow();
		expect(rules).toMatchObject({ gifting_allowed: 1, quiet_start: 21 * 60, quiet_end: 7 * 60 });

		// The child sees the same rules, read-only.
		const child = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		const [cookieName, cookieValue] = kid.cookie.split('=') as [string, string];
		await child.addCookies([{ name: cookieName, value: cookieValue, url: suite.server.origin }]);
		const childPage = await child.newPage();
		await childPage.goto(`${suite.server.origin}/family`);
		await childPage.getByRole('link', { name: 'See the rules your guardians have set' }).click();
		await childPage.getByRole('heading', { name: 'Controls', exact: true }).waitFor();
		expect(await childPage.getByLabel('Allow sending gifts to creators').isDisabled()).toBe(true);
		expect(await childPage.getByRole('button', { name: 'Save rules' }).count()).toBe(0);
		await childPage.screenshot({ path: `${SCREENSHOTS}minor-rules.png`, fullPage: true });
		await context.close();
		await child.close();
	});
});
