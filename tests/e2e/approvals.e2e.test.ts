import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import { browserSuite } from '../support/browser';
import { chromiumPath } from '../support/environment';
import { callPurchase } from '../support/purchase-api';

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('approvals in the browser', { timeout: 90_000 }, () => {
	const suite = browserSuite();

	async function signedIn(displayName: string, isMinor: boolean): Promise<BrowserContext> {
		const account = await accounts.create(suite.db, {
			email: `${displayName.toLowerCase()}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		const { token } = await sessions.create(suite.db, account.id, { userAgent: 'test', ip: null });
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		ids.set(displayName, account.id);
		return context;
	}
	const ids = new Map<string, string>();

	it("the minor's purchase waits; the guardian approves it on the Approvals page; the flow sees it held", async () => {
		const parent = await signedIn('Robin', false);
		const child = await signedIn('Kit', true);
		const [robin, kit] = [ids.get('Robin')!, ids.get('Kit')!];
		await family.link(suite.db, robin, kit);
		await limits.add(
			suite.db,
			kit,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: robin },
			Date.now() - 1000
		);
		const { key } = await apiKeys.create(suite.db, 'purchase flow');
		const asked = await callPurchase(suite.server.origin, key, 'authorize', {
			idempotencyKey: 'kit-1',
			accountId: kit,
			kind: 'recharge',
			coins: 700,
			price: { amount: 999, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});
		expect(asked.data!.decision).toBe('pending_approval');

		const kidPage = await child.newPage();
		await kidPage.goto(`${suite.server.origin}/approvals`);
		await kidPage.getByRole('heading', { name: 'Your requests waiting' }).waitFor();
		await kidPage.getByRole('heading', { name: '700 coins for $9.99' }).waitFor();
		expect(await kidPage.getByRole('button', { name: /Approve|Deny/ }).count()).toBe(0);

		const page = await parent.newPage();
		await page.goto(`${suite.server.origin}/approvals`);
		await page.getByRole('heading', { name: 'Waiting for your answer' }).waitFor();
		const request = page.getByTestId('request').filter({ hasText: 'Kit' });
		await request.getByText('Coins in the app, paid by card').waitFor();
		await request.getByText(/in one purchase.*100 coins left/).waitFor();
		await request.getByLabel('Note (optional)').fill('Birthday treat');
		await request.getByRole('button', { name: 'Approve Kit: 700 coins for $9.99' }).click();
		await page
			.getByRole('status')
			.getByText('Approved: the purchase can go through now.')
			.waitFor();
		await page.getByText('Nothing is waiting for you.').waitFor();
		await page
			.getByTestId('decided')
			.filter({ hasText: 'by Robin' })
			.getByText('Birthday treat')
			.waitFor();

		const seen = await callPurchase(suite.server.origin, key, 'get', {
			authorizationId: asked.data!.authorizationId
		});
		expect(seen.data).toMatchObject({ status: 'held', decision: 'approved' });
		await kidPage.reload();
		await kidPage.getByTestId('decided').filter({ hasText: 'Approved' }).waitFor();
		await parent.close();
		await child.close();
	});
});
