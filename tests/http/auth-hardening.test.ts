import { afterAll, beforeAll, expect, it } from 'vitest';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import { describeEachDatabase } from '../support/each-database';
import { getPage, postForm, sessionCookie } from '../support/http';
import { startServer, type RunningServer } from '../support/server';

const PASSWORD = 'the right passphrase';
const WRONG = 'Wrong e-mail or password.';
const TOO_MANY = /Too many attempts, try again in \d+ minutes?\./;

describeEachDatabase('log-in and account hardening over HTTP', (ctx) => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
	});
	afterAll(async () => {
		await server?.stop();
	});

	/** Signs up `email` from its own address and returns the session cookie. */
	async function signUp(email: string): Promise<string> {
		const response = await postForm(
			server.origin,
			'/signup',
			{ email, displayName: 'Hardening', password: PASSWORD, timeZone: 'UTC', currency: 'EUR' },
			{ clientIp: '192.0.2.250' }
		);
		expect(response.status).toBe(303);
		return sessionCookie(response)!;
	}

	async function accountId(email: string): Promise<string> {
		const row = await ctx.database.db
			.selectFrom('accounts')
			.select('id')
			.where('email', '=', email)
			.executeTakeFirstOrThrow();
		return row.id;
	}

	it('checks at most five passwords when 40 log-ins for one e-mail arrive at once', async () => {
		const email = 'race@example.com';
		await signUp(email);
		const clientIp = '198.51.100.40';
		const responses = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				postForm(
					server.origin,
					'/login',
					{ email, password: i === 20 ? PASSWORD : `wrong guess ${i}` },
					{ clientIp }
				)
			)
		);
		const answers = await Promise.all(
			responses.map(async (r) => ({ status: r.status, body: await r.text() }))
		);
		const wrong = answers.filter((a) => a.status === 400 && a.body.includes(WRONG));
		const loggedIn = answers.filter((a) => a.status === 303);
		const refused = answers.filter((a) => a.status === 429 && TOO_MANY.test(a.body));
		expect(wrong.length + loggedIn.length + refused.length).toBe(40);
		expect(wrong.length + loggedIn.length).toBeLessThanOrEqual(5);
		expect(wrong.length + loggedIn.length).toBeGreaterThanOrEqual(1);
	});

	it('checks at most five passwords when one address tries 40 e-mails at once', async () => {
		const clientIp = '198.51.100.41';
		const responses = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				postForm(
					server.origin,
					'/login',
					{ email: `spray${i}@example.com`, password: 'wrong guess' },
					{ clientIp }
				)
			)
		);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(5);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
	});

	it('throttles the current-password check of the change-password form', async () => {
		const email = 'changer@example.com';
		const cookie = await signUp(email);
		const change = (currentPassword: string) =>
			postForm(
				server.origin,
				'/settings?/changePassword',
				{ currentPassword, newPassword: 'a brand new passphrase' },
				{ cookie }
			);
		const responses = await Promise.all(
			Array.from({ length: 12 }, (_, i) => change(`wrong current ${i}`))
		);
		const answers = await Promise.all(
			responses.map(async (r) => ({ status: r.status, body: await r.text() }))
		);
		const checked = answers.filter(
			(a) => a.status === 400 && a.body.includes('The current password is wrong.')
		);
		const refused = answers.filter((a) => a.status === 429 && TOO_MANY.test(a.body));
		expect(checked.length + refused.length).toBe(12);
		expect(checked.length).toBeLessThanOrEqual(5);

		const right = await change(PASSWORD);
		expect(right.status).toBe(429);
		expect(await right.text()).toMatch(TOO_MANY);
		// Still the old password.
		const login = await postForm(
			server.origin,
			'/login',
			{ email, password: PASSWORD },
			{ clientIp: '198.51.100.42' }
		);
		expect(login.status).toBe(303);
	});

	it('revokes the personal API keys when the password changes, and says how many', async () => {
		const email = 'keys@example.com';
		const cookie = await signUp(email);
		const otherCookie = await signUp('keys-other@example.com');
		expect(otherCookie).toBeTruthy();
		const { db } = ctx.database;
		const owner = await accountId(email);
		const mine = [
			await apiKeys.create(db, 'script one', { ownerId: owner }),
			await apiKeys.create(db, 'script two', { ownerId: owner })
		];
		const theirs = await apiKeys.create(db, 'theirs', {
			ownerId: await accountId('keys-other@example.com')
		});
		const operator = await apiKeys.create(db, 'purchase flow');

		const response = await postForm(
			server.origin,
			'/settings?/changePassword',
			{ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
			{ cookie }
		);
		expect(response.status).toBe(200);
		expect(await response.text()).toContain(
			'Every other session has been logged out and 2 API keys were revoked.'
		);
		for (const key of mine) expect(await apiKeys.authenticate(db, key.key)).toBeNull();
		expect(await apiKeys.authenticate(db, theirs.key)).not.toBeNull();
		expect(await apiKeys.authenticate(db, operator.key)).not.toBeNull();
	});

	it('answers a sign-up with a taken e-mail without saying the e-mail is registered', async () => {
		const email = 'taken@example.com';
		await signUp(email);
		const response = await postForm(
			server.origin,
			'/signup',
			{
				email,
				displayName: 'Someone Else',
				password: 'another passphrase',
				timeZone: 'UTC',
				currency: 'EUR'
			},
			{ clientIp: '192.0.2.251' }
		);
		expect(response.status).toBe(400);
		const body = await response.text();
		expect(body).not.toMatch(/already exists/i);
		expect(body).toContain('We could not create an account with that e-mail address.');
		expect(body).toContain('If you already have one, log in');
		expect(body).toContain('Someone Else'); // the form comes back filled in, as for any refusal
		expect(sessionCookie(response)).toBeNull();
	});

	it('never redirects a logged-in visitor to another site', async () => {
		const cookie = await signUp('redirect@example.com');
		for (const query of [
			'/%09/evil.example/phish',
			'/%0a/x',
			'/.//evil.example',
			'//evil.example'
		]) {
			const response = await getPage(server.origin, `/login?redirectTo=${query}`, cookie);
			expect(response.status, query).toBe(303);
			expect(response.headers.get('location'), query).toBe('/');
		}
		const fine = await getPage(server.origin, '/login?redirectTo=%2Fsettings', cookie);
		expect(fine.headers.get('location')).toBe('/settings');
	});

	it('never redirects after logging in to another site', async () => {
		const email = 'redirect-after@example.com';
		await signUp(email);
		for (const [i, redirectTo] of ['/\t/evil.example/phish', '/\n/x'].entries()) {
			const response = await postForm(
				server.origin,
				'/login',
				{ email, password: PASSWORD, redirectTo },
				{ clientIp: `198.51.100.${50 + i}` }
			);
			expect(response.status, JSON.stringify(redirectTo)).toBe(303);
			expect(response.headers.get('location')).toBe('/');
		}
	});
});
