import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database';
import { getPage, postForm, sessionCookie } from '../support/http';
import { startServer, type RunningServer } from '../support/server';

const good = {
	email: 'http@example.com',
	displayName: 'Http Tester',
	password: 'a passphrase that is long',
	timeZone: 'Europe/Paris',
	currency: 'EUR'
};

describeEachDatabase('accounts over HTTP', (ctx) => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
	});
	afterAll(async () => {
		await server?.stop();
	});

	async function accountCount(): Promise<number> {
		const row = await ctx.database.db
			.selectFrom('accounts')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		return Number(row.n);
	}

	async function signUp(fields: Record<string, string>) {
		const before = await accountCount();
		const response = await postForm(server.origin, '/signup', fields);
		return { response, body: await response.text(), created: (await accountCount()) - before };
	}

	it.each([
		['an empty form', {}, 'Enter your e-mail address.'],
		[
			'a malformed e-mail',
			{ ...good, email: 'http-at-example' },
			'That does not look like an e-mail address'
		],
		[
			'an oversized e-mail',
			{ ...good, email: `${'x'.repeat(300)}@example.com` },
			'too long (254 characters at most)'
		],
		[
			'an oversized display name',
			{ ...good, displayName: 'n'.repeat(500) },
			'Keep the display name to 80 characters.'
		],
		[
			'a short password',
			{ ...good, password: 'short' },
			'Use at least 8 characters for the password.'
		],
		[
			'an unknown time zone',
			{ ...good, timeZone: 'Atlantis/Capital' },
			'Unknown time zone "Atlantis/Capital"'
		],
		['an unknown currency', { ...good, currency: 'ZZZ' }, 'Currency must be a known ISO 4217 code'],
		[
			'SQL in the e-mail',
			{ ...good, email: "x'; drop table accounts; --@example.com" },
			'does not look like an e-mail'
		]
	])('answers %s with a clear message and creates nothing', async (_what, fields, message) => {
		const { response, body, created } = await signUp(fields);
		expect(response.status).toBe(400);
		expect(body).toContain(message);
		expect(created).toBe(0);
	});

	it('refuses a body over the size limit and creates nothing', async () => {
		const { response, body, created } = await signUp({
			...good,
			displayName: 'x'.repeat(65 * 1024)
		});
		expect(response.status).toBe(413);
		expect(body).toContain('Request body is over 64 KiB. Nothing was saved.');
		expect(created).toBe(0);
	});

	it('refuses a form posted from another site', async () => {
		const before = await accountCount();
		const response = await postForm(server.origin, '/signup', good, {
			originHeader: 'https://evil.example'
		});
		expect(response.status).toBe(403);
		expect(await accountCount()).toBe(before);
	});

	it('signs up, sets a safe session cookie and shows HTML in the name as text', async () => {
		const name = '<img src=x onerror=alert(1)>';
		const { response, created } = await signUp({ ...good, displayName: name });
		expect(response.status).toBe(303);
		expect(created).toBe(1);
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('cg_session='))!;
		expect(setCookie).toMatch(/HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		expect(setCookie).not.toMatch(/Secure/i); // plain http on loopback
		const overview = await getPage(server.origin, '/', sessionCookie(response)!);
		const html = await overview.text();
		expect(html).toContain('&lt;img src=x onerror=alert(1)>');
		expect(html).not.toContain('<img src=x');

		const again = await signUp(good);
		expect(again.body).toContain('We could not create an account with that e-mail address.');
		expect(again.created).toBe(0);
	});

	it('gives the same answer for an unknown e-mail and a wrong password, then throttles', async () => {
		const clientIp = '198.51.100.7';
		const login = (password: string, email = good.email) =>
			postForm(server.origin, '/login', { email, password }, { clientIp });
		const unknown = await login('whatever1', 'ghost@example.com');
		const wrong = await login('wrong password');
		expect(unknown.status).toBe(400);
		expect(wrong.status).toBe(400);
		expect(await unknown.text()).toContain('Wrong e-mail or password.');
		expect(await wrong.text()).toContain('Wrong e-mail or password.');

		for (let i = 0; i < 4; i++) await login('wrong password');
		const locked = await login(good.password);
		expect(locked.status).toBe(429);
		expect(await locked.text()).toContain('Too many attempts, try again in 1 minute.');
	});

	it('sends unauthenticated visitors to the log-in page and back afterwards', async () => {
		const response = await getPage(server.origin, '/settings');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fsettings');
	});

	it('changing the password ends the other sessions; nobody can end a session that is not theirs', async () => {
		const email = 'sessions@example.com';
		const first = await postForm(server.origin, '/signup', { ...good, email });
		const cookieA = sessionCookie(first)!;
		const second = await postForm(server.origin, '/login', { email, password: good.password });
		const cookieB = sessionCookie(second)!;
		expect(cookieB).not.toBe(cookieA);

		// Another account tries to end A's session by id: refused, and the session lives on.
		const other = await postForm(server.origin, '/signup', { ...good, email: 'other@example.com' });
		const sessionIdA = cookieA.split('=')[1]!.split('.')[0]!;
		const attempt = await postForm(
			server.origin,
			'/settings?/endSession',
			{ sessionId: sessionIdA },
			{
				cookie: sessionCookie(other)!
			}
		);
		expect(attempt.status).toBe(404);
		expect((await getPage(server.origin, '/', cookieA)).status).toBe(200);

		const change = await postForm(
			server.origin,
			'/settings?/changePassword',
			{ currentPassword: good.password, newPassword: 'an even longer passphrase' },
			{ cookie: cookieB }
		);
		expect(change.status).toBe(200);
		expect(await change.text()).toContain('Every other session has been logged out.');
		expect((await getPage(server.origin, '/', cookieA)).status).toBe(303);
		expect((await getPage(server.origin, '/', cookieB)).status).toBe(200);
	});

	it('sends security headers: CSP without inline scripts, no framing, strict referrer', async () => {
		const response = await getPage(server.origin, '/login');
		const csp = response.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
		expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
