import { describe, expect, it } from 'vitest';
import * as sessions from '../../src/lib/server/auth/sessions';
import { recordHistory } from '../support/ledger';
import { arrivedAt, browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { signedInAccount } from '../support/session';

// Pages drawn in the browser (after a client-side navigation) use the account's language and
// number format too, not the browser's, and a change on Settings shows without a reload.

const spaced = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe.runIf(chromiumPath)(
	'language and number format in the browser',
	{ timeout: 90_000 },
	() => {
		const suite = browserSuite();

		it('writes de-DE figures in an en-US browser, and switches when Settings changes', async () => {
			const me = await signedInAccount(suite.db, 'format@example.com', {
				locale: 'de-DE',
				currency: 'USD'
			});
			await recordHistory(
				suite.db,
				me.accountId,
				[
					{
						id: 'led_format',
						kind: 'recharge',
						coins: 1234,
						price: { amount: 1234, currency: 'USD' },
						paymentMethod: 'card',
						at: Date.now() - 60_000
					}
				],
				{ setBalance: true }
			);

			const context = await suite.browser.newContext({ locale: 'en-US' });
			const token = me.cookie.slice(`${sessions.COOKIE_NAME}=`.length);
			await context.addCookies([
				{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
			]);
			const page = await context.newPage();
			await page.goto(`${suite.server.origin}/`, { waitUntil: 'networkidle' });
			await arrivedAt(page, 'Overview', suite.server);
			expect(await page.getByTestId('balance').textContent()).toBe('1.234');

			// Drawn by the browser's scripts, not the server.
			await page.getByRole('link', { name: 'Transactions', exact: true }).click();
			await arrivedAt(page, 'Transactions', suite.server);
			const row = page.locator('tr', { hasText: 'Recharge' }).first();
			expect(spaced(await row.textContent())).toContain('+1.234');
			expect(spaced(await row.textContent())).toContain('12,34 $');

			await page.getByRole('link', { name: 'Settings', exact: true }).click();
			await arrivedAt(page, 'Settings', suite.server);
			await page.waitForLoadState('networkidle');
			await page.getByLabel('Language and number format').selectOption('en-US');
			await page.getByRole('button', { name: 'Save format' }).click();
			await page.getByText('Language and number format saved: English (United States)').waitFor();
			expect(await page.getByLabel('Language and number format').inputValue()).toBe('en-US');

			await page.getByRole('link', { name: 'Overview', exact: true }).click();
			await arrivedAt(page, 'Overview', suite.server);
			expect(await page.getByTestId('balance').textContent()).toBe('1,234');
			await context.close();
		});
	}
);
