import { describe, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access';
import * as family from '../../src/lib/server/family';
import { browserSuite, logIn } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { signedInAccount } from '../support/session';

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('families in the browser', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	it('a guardian creates a family and adds a child, who logs in and sees it read-only', async () => {
		const guardian = await signedInAccount(suite.db, 'grace@example.com');
		const [name, value] = guardian.cookie.split('=') as [string, string];
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		await context.addCookies([{ name, value, url: suite.server.origin }]);
		const page = await context.newPage();
		await page.goto(`${suite.server.origin}/family`);
		await page.getByRole('heading', { name: 'Create a family' }).waitFor();
		await page.getByLabel('Family name').fill('The Hoppers');
		await page.getByRole('button', { name: 'Create a family' }).click();
		await page.getByRole('heading', { name: 'The Hoppers' }).waitFor();
		await page.getByRole('status').getByText('Family "The Hoppers" created.').waitFor();

		await page.getByLabel("Child's e-mail").fill('june@example.com');
		await page.getByLabel("Child's name").fill('June');
		await page.getByLabel("Child's password").fill('june has a passphrase');
		await page.getByLabel('Birth year (optional)').fill('2013');
		await page.getByRole('button', { name: 'Add child' }).click();
		await page.getByRole('status').getByText("June's account is ready").waitFor();
		const children = page.getByRole('list').filter({ hasText: 'June' });
		await children.getByText('born 2013').waitFor();
		expect(await page.getByRole('button', { name: 'Remove June' }).isVisible()).toBe(true);
		await context.close();

		const child = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		const childPage = await child.newPage();
		await logIn(childPage, suite.server.origin, 'june@example.com', 'june has a passphrase');
		// On a phone the main navigation is behind its menu button.
		const main = childPage.getByRole('navigation', { name: 'Main' });
		await main.getByText('Menu').click();
		await main.getByRole('link', { name: 'Family' }).click();
		await childPage.getByRole('heading', { name: 'The Hoppers' }).waitFor();
		await childPage.getByText('You are in this family as a child.').waitFor();
		await childPage.getByText('Test Person').waitFor(); // the guardian
		// Read-only: no way to leave, remove, add, invite or join.
		expect(await childPage.getByRole('button').allTextContents()).toEqual(['Log out']);
		await child.close();
	});
	for (const javaScriptEnabled of [true, false]) {
		it(`removes a child after a confirm step, from the keyboard (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
			const guardian = await signedInAccount(suite.db, `remover-${javaScriptEnabled}@example.com`);
			const actor = () => access.userActor(suite.db, { id: guardian.accountId, isMinor: false });
			await family.create(suite.db, await actor(), { name: 'Removers' });
			const child = await family.createMinor(suite.db, await actor(), {
				email: `leo-${javaScriptEnabled}@example.com`,
				displayName: 'Leo',
				password: 'leo has a passphrase'
			});
			const [name, value] = guardian.cookie.split('=') as [string, string];
			const context = await suite.browser.newContext({ javaScriptEnabled });
			await context.addCookies([{ name, value, url: suite.server.origin }]);
			const page = await context.newPage();
			await page.goto(`${suite.server.origin}/family`);
			await page.getByRole('button', { name: 'Remove Leo' }).focus();
			await page.keyboard.press('Enter');
			const question = page.getByRole('heading', { name: 'Remove Leo from the family?' });
			await question.waitFor();
			if (javaScriptEnabled) {
				await expect.poll(() => question.evaluate((h) => h === document.activeElement)).toBe(true);
			}
			expect(await family.familyOf(suite.db, child.id)).not.toBeNull();
			await page.getByRole('button', { name: 'Yes, remove Leo' }).focus();
			await page.keyboard.press('Enter');
			await page.getByText('Leo is no longer in the family. Their account stays.').waitFor();
			expect(await family.familyOf(suite.db, child.id)).toBeNull();
			await context.close();
		});
	}
});
