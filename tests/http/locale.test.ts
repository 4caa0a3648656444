import { afterAll, beforeAll, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access';
import * as accounts from '../../src/lib/server/accounts';
import * as family from '../../src/lib/server/family';
import { recordHistory } from '../support/ledger';
import { describeEachDatabase } from '../support/each-database';
import { getPage, postForm, sessionCookie } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// The account's language and number format over HTTP: the server-rendered pages write
// numbers, money and dates in it; sign-up guesses it from Accept-Language; Settings changes it.

const NBSP = '\u00a0'; // Intl puts a no-break space between "12,34" and "$"

describeEachDatabase('language and number format over HTTP', (ctx) => {
	let server: RunningServer;
	let n = 0;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
	});
	afterAll(async () => {
		await server?.stop();
	});

	/** An account with 1,234 coins, bought this month for $12.34. */
	async function withRecharge(locale?: string) {
		const me = await signedInAccount(db(), `locale-${++n}@example.com`, {
			locale,
			currency: 'USD'
		});
		await recordHistory(
			db(),
			me.accountId,
			[
				{
					id: `led_locale_${n}`,
					kind: 'recharge',
					coins: 1234,
					price: { amount: 1234, currency: 'USD' },
					paymentMethod: 'card',
					at: Date.now() - 60_000
				}
			],
			{ setBalance: true }
		);
		return me;
	}

	const html = async (path: string, cookie: string) => {
		const response = await getPage(server.origin, path, cookie);
		expect(response.status).toBe(200);
		return response.text();
	};

	it('writes coins and money the German way on Overview and Transactions for de-DE', async () => {
		const me = await withRecharge('de-DE');
		const overview = await html('/', me.cookie);
		expect(overview).toContain('data-testid="balance">1.234</p>');
		expect(overview).toContain(`for 12,34${NBSP}$`);
		expect(overview).not.toContain('1,234');
		const transactions = await html('/transactions', me.cookie);
		expect(transactions).toContain('+1.234');
		expect(transactions).toContain(`12,34${NBSP}$`);
		expect(transactions).not.toContain('$12.34');
	});

	it('writes them the American way for an account left at the default, en-US', async () => {
		const me = await withRecharge();
		expect((await accounts.get(db(), me.accountId))!.locale).toBe('en-US');
		const overview = await html('/', me.cookie);
		expect(overview).toContain('data-testid="balance">1,234</p>');
		expect(overview).toContain('for $12.34');
		const transactions = await html('/transactions', me.cookie);
		expect(transactions).toContain('+1,234');
		expect(transactions).toContain('$12.34');
		expect(transactions).not.toContain('1.234');
	});

	it("shows a guardian a child's pages in the guardian's format, not the child's", async () => {
		const guardian = await signedInAccount(db(), `guardian-${++n}@example.com`, {
			locale: 'de-DE'
		});
		const actor = await access.userActor(db(), { id: guardian.accountId, isMinor: false });
		await family.create(db(), actor, { name: 'Format family' });
		const child = await family.createMinor(
			db(),
			await access.userActor(db(), { id: guardian.accountId, isMinor: false }),
			{ email: `kid-${n}@example.com`, displayName: 'Kid', password: 'a kid passphrase' }
		);
		await accounts.setLocale(db(), child.id, 'en-US');
		await db()
			.updateTable('accounts')
			.set({ coin_balance: 5678 })
			.where('id', '=', child.id)
			.execute();
		const page = await html(`/family/${child.id}`, guardian.cookie);
		expect(page).toContain('data-testid="minor-balance">5.678</p>');
	});

	it('guesses the locale at sign-up from Accept-Language, and keeps a chosen one', async () => {
		const form = await fetch(`${server.origin}/signup`, {
			headers: { accept: 'text/html', 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' }
		});
		const page = await form.text();
		expect(page).toMatch(/<option value="fr-CA" selected[^>]*>Français \(Canada\)/);
		expect(page).toContain('<label for="locale">Language and number format</label>');

		const signUp = (fields: Record<string, string>, languages: string) =>
			fetch(`${server.origin}/signup`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'text/html',
					origin: server.origin,
					'accept-language': languages,
					'x-forwarded-for': '203.0.113.40'
				},
				body: new URLSearchParams({
					displayName: 'Format',
					password: 'a passphrase that is long',
					timeZone: 'Europe/Berlin',
					currency: 'EUR',
					...fields
				}).toString()
			});
		const stored = async (email: string) => (await accounts.findByEmail(db(), email))?.locale;

		// No field (a form from before it, a script): the browser's language decides.
		expect((await signUp({ email: 'guessed@example.com' }, 'de-DE,de;q=0.9')).status).toBe(303);
		expect(await stored('guessed@example.com')).toBe('de-DE');
		// The select's choice wins over the browser's language.
		const chosen = await signUp({ email: 'chosen@example.com', locale: 'en-gb' }, 'de-DE');
		expect(chosen.status).toBe(303);
		expect(sessionCookie(chosen)).not.toBeNull();
		expect(await stored('chosen@example.com')).toBe('en-GB');
		// A tag no one can format for is refused, naming the field, and makes no account.
		const refused = await signUp({ email: 'refused@example.com', locale: 'xx-YY' }, 'de-DE');
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain(
			'Language and number format "xx-YY" is not one we can format numbers for'
		);
		expect(await stored('refused@example.com')).toBeUndefined();
	});

	it('changes the format on Settings without JavaScript, and changes nothing on a bad one', async () => {
		const me = await withRecharge();
		const change = (locale: string, originHeader?: string) =>
			postForm(
				server.origin,
				'/settings?/setLocale',
				{ locale },
				{ cookie: me.cookie, originHeader }
			);
		const stored = async () => (await accounts.get(db(), me.accountId))!.locale;

		const saved = await change('de-de');
		expect(saved.status).toBe(200);
		const answer = await saved.text();
		expect(answer).toContain('Language and number format saved: Deutsch (Deutschland)');
		// The page that answers the form is already in the new format.
		expect(answer).toMatch(/<option value="de-DE" selected/);
		expect(await stored()).toBe('de-DE');
		expect(await html('/', me.cookie)).toContain('data-testid="balance">1.234</p>');

		for (const bad of ['xx-YY', 'en-US-u-nu-arab', '', 'x'.repeat(100)]) {
			const refused = await change(bad);
			expect(refused.status).toBe(400);
			expect(await refused.text()).toContain('Language and number format');
			expect(await stored()).toBe('de-DE');
		}
		const crossSite = await change('en-GB', 'https://evil.example');
		expect(crossSite.status).toBe(403);
		expect(await stored()).toBe('de-DE');

		const anonymous = await postForm(server.origin, '/settings?/setLocale', { locale: 'en-GB' });
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toMatch(/^\/login/);
		expect(await stored()).toBe('de-DE');
	});
});
