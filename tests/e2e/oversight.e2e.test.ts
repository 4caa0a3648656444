import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuthorizeInput } from '../../src/lib/schemas/purchase';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import { REAUTH_WINDOW } from '../../src/lib/server/auth/reauth';
import { browserSuite } from '../support/browser';
import { loosenMinor } from '../support/family';
import { chromiumPath } from '../support/environment';
import { callPurchase } from '../support/purchase-api';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase';

// Skipping here is announced once by the global setup, and turned into a failure by REQUIRE_E2E=1.
describe.runIf(chromiumPath)('oversight in the browser', { timeout: 120_000 }, () => {
	const suite = browserSuite();

	async function person(displayName: string, isMinor: boolean) {
		return accounts.create(suite.db, {
			email: `${displayName.toLowerCase()}@example.com`,
			displayName,
			password: PASSWORD,
			timeZone: 'America/New_York',
			currency: 'USD',
			isMinor
		});
	}

	/** A purchase through the purchase API, captured when approved. */
	async function buy(key: string, input: AuthorizeInput) {
		const asked = await callPurchase(suite.server.origin, key, 'authorize', input);
		const { decision, authorizationId } = asked.data!;
		if (decision === 'approved') {
			await callPurchase(suite.server.origin, key, 'capture', { authorizationId });
		}
		return decision;
	}

	it("a guardian reads a minor's overview, history and creators, then the audit log", async () => {
		const [guardian, minor] = [await person('Morgan', false), await person('Sky', true)];
		await family.link(suite.db, guardian.id, minor.id);
		// Gifts allowed and recharges not asked each time: the caps below decide.
		await loosenMinor(suite.db, guardian.id, minor.id, { rules: { giftingAllowed: true } });
		// Gifts open and recharges free up to 1,000 coins a purchase, asking above.
		const setBy = { role: 'guardian', accountId: guardian.id } as const;
		const rule = { currency: null, creatorId: null } as const;
		await limits.add(
			suite.db,
			minor.id,
			{
				...rule,
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 1000,
				action: 'approval'
			},
			setBy,
			Date.now() - 1000
		);
		await limits.add(
			suite.db,
			minor.id,
			{
				...rule,
				appliesTo: 'gift',
				metric: 'coins',
				period: 'month',
				amount: 2000,
				action: 'block'
			},
			setBy,
			Date.now() - 1000
		);
		const { key } = await apiKeys.create(suite.db, 'purchase flow');
		const recharge = (idempotencyKey: string, coins: number, amount: number): AuthorizeInput => ({
			idempotencyKey,
			accountId: minor.id,
			kind: 'recharge',
			coins,
			price: { amount, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});
		expect(await buy(key, recharge('sky-1', 700, 999))).toBe('approved');
		const gift = (idempotencyKey: string, coins: number, creatorId: string): AuthorizeInput => ({
			idempotencyKey,
			accountId: minor.id,
			kind: 'gift',
			coins,
			creatorId
		});
		expect(await buy(key, gift('sky-2', 120, 'luna_live'))).toBe('approved');
		expect(await buy(key, gift('sky-3', 30, 'chef_rio'))).toBe('approved');
		expect(await buy(key, recharge('sky-4', 1400, 1999))).toBe('pending_approval');

		const { token } = await sessions.create(suite.db, guardian.id, { userAgent: 'test', ip: null });
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		const page = await context.newPage();
		await page.goto(`${suite.server.origin}/family`);
		await page.getByRole('link', { name: 'Sky', exact: true }).click();
		await page.getByRole('heading', { level: 1, name: 'Sky' }).waitFor();
		const subNav = page.getByRole('navigation', { name: "Sky's pages" });
		expect(await subNav.getByRole('link').allTextContents()).toEqual([
			'Overview',
			'History',
			'Creators',
			'Controls'
		]);
		expect(await page.getByTestId('minor-balance').textContent()).toBe('550');
		const bought = page.getByRole('region', { name: "Sky's coins" });
		await bought.getByText('for $9.99').waitFor(); // the held 1,400 is not bought yet
		const limitsTable = page.getByRole('table', { name: /Sky's limits/ });
		await limitsTable
			.getByRole('row', { name: /At most 1,000 coins bought in one purchase/ })
			.waitFor();
		await limitsTable
			.getByRole('row', {
				name: /given in gifts per month — block 150 coins this month 1,850 coins/
			})
			.waitFor();
		await page
			.getByRole('region', { name: 'Waiting for a guardian' })
			.getByText(/Recharge of 1,400 coins for \$19\.99/)
			.waitFor();
		mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: `${SCREENSHOTS}guardian-minor-overview.png`, fullPage: true });

		await subNav.getByRole('link', { name: 'History' }).click();
		await page.getByRole('heading', { name: 'Transactions' }).waitFor();
		// On a phone the history is a list of cards; the minor's pending recharge is in it, said so.
		const history = page.getByRole('list', { name: /newest first/ });
		await history.getByText('+700 coins').waitFor();
		await history.getByText('Waiting for approval').waitFor();

		await subNav.getByRole('link', { name: 'Creators' }).click();
		await page.getByRole('heading', { name: 'Coins per creator' }).waitFor();
		const byCreator = page.locator('table[data-chart="coins-per-creator"]');
		expect(
			(await byCreator.getByRole('row').allInnerTexts()).map((row) =>
				row.split('\t').slice(0, 3).join('\t')
			)
		).toEqual(['Creator\tCoins\tGifts', 'luna_live\t120\t1', 'chef_rio\t30\t1']);
		// Nothing on these pages changes anything ("Show" only picks the period, by GET).
		expect(await page.getByRole('button').allTextContents()).toEqual(['Log out', 'Show']);

		await page.goto(`${suite.server.origin}/family`);
		await page.getByRole('link', { name: 'Audit log' }).click();
		await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
		const entries = page.getByRole('listitem').filter({ hasText: 'Added a limit' });
		expect(await entries.count()).toBe(2);
		// Both limits were added in the same millisecond: find the one meant, not the first.
		await entries
			.filter({ hasText: 'At most 2,000 coins given in gifts per month — block' })
			.waitFor();
		await page
			.getByText(/Morgan: Added a limit/)
			.first()
			.waitFor();
		await page.screenshot({ path: `${SCREENSHOTS}family-audit-log.png`, fullPage: true });
		await context.close();
	});

	it('removing a child after ten minutes asks for the password in the same form', async () => {
		const [guardian, minor] = [await person('Quinn', false), await person('Ari', true)];
		await family.link(suite.db, guardian.id, minor.id);
		// Gifts allowed and recharges not asked each time: the caps below decide.
		await loosenMinor(suite.db, guardian.id, minor.id, { rules: { giftingAllowed: true } });
		const { token, session } = await sessions.create(suite.db, guardian.id, {
			userAgent: 'test',
			ip: null
		});
		await suite.db
			.updateTable('sessions')
			.set({ password_at: Date.now() - REAUTH_WINDOW - 60_000 })
			.where('id', '=', session.id)
			.execute();
		const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
		await context.addCookies([
			{ name: sessions.COOKIE_NAME, value: token, url: suite.server.origin }
		]);
		const page = await context.newPage();
		await page.goto(`${suite.server.origin}/family`, { waitUntil: 'networkidle' });
		await page.getByRole('button', { name: 'Remove Ari' }).click();
		await page.getByRole('heading', { name: 'Remove Ari from the family?' }).waitFor();
		await page.getByText('This change needs your password again').waitFor();
		await page.getByLabel('Your password').fill('not my password');
		await page.getByRole('button', { name: 'Yes, remove Ari' }).click();
		await page.getByText('That password is wrong, so nothing was changed.').waitFor();
		expect(await family.familyOf(suite.db, minor.id)).not.toBeNull();
		await page.getByLabel('Your password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Yes, remove Ari' }).click();
		await page.getByText('Ari is no longer in the family. Their account stays.').waitFor();
		expect(await family.familyOf(suite.db, minor.id)).toBeNull();
		await context.close();
	});
});
