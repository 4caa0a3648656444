import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { describeEachDatabase } from '../support/each-database';
import { getPage, postForm, sessionCookie } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// Signed-in routes are guarded in one place (`handle`): every page, data request, form action
// and session-authenticated tRPC call meets the same rule, and none of them a 500.

const SIGNED_IN_PAGES = [
	'/',
	'/shop',
	'/transactions',
	'/creators',
	'/budgets',
	'/settings',
	'/notifications'
];
const ACTIONS = [
	'/budgets?/add',
	'/budgets?/remove',
	'/settings?/createKey',
	'/settings?/changePassword',
	'/shop?/buy',
	'/shop?/follow',
	'/notifications?/read',
	'/notifications?/readAll',
	'/live/lunabeats'
];

describeEachDatabase('signed-in routes, guarded in one place', (ctx) => {
	let server: RunningServer;
	let cookie: string;

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
		({ cookie } = await signedInAccount(ctx.database.db, `guard-${ctx.dialect}@example.com`));
	});
	afterAll(async () => {
		await server?.stop();
	});

	it.each(SIGNED_IN_PAGES)('sends a visitor of %s to log in, and back afterwards', async (path) => {
		const response = await fetch(server.origin + path + '?x=1', {
			redirect: 'manual',
			headers: { accept: 'text/html' }
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(
			`/login?redirectTo=${encodeURIComponent(path + '?x=1')}`
		);
	});

	it.each(ACTIONS)('sends a form posted to %s without a session to log in', async (path) => {
		// Fields that pass each form's own checks, so that an action reaching for the user would.
		const response = await postForm(server.origin, path, {
			name: 'x',
			appliesTo: 'gift',
			metric: 'coins',
			period: 'month',
			amount: '5',
			action: 'block',
			limitId: 'lim_x',
			packId: 'pack_x',
			giftId: 'gift_x',
			idempotencyKey: crypto.randomUUID(),
			paymentMethod: 'card',
			authorizationId: 'auth_x',
			id: 'ntf_x'
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/login\?redirectTo=%2F/);
		expect(server.output()).not.toMatch(/TypeError/);
	});

	it('answers an enhanced form and a data request with a redirect they can follow', async () => {
		const action = await fetch(`${server.origin}/budgets?/add`, {
			method: 'POST',
			headers: {
				origin: server.origin,
				accept: 'application/json',
				'x-sveltekit-action': 'true',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: 'amount=5'
		});
		expect(action.status).toBe(200);
		expect(await action.json()).toEqual({
			type: 'redirect',
			status: 303,
			location: '/login?redirectTo=%2Fbudgets'
		});

		const data = await fetch(`${server.origin}/budgets/__data.json`);
		expect(await data.json()).toMatchObject({
			type: 'redirect',
			location: '/login?redirectTo=%2Fbudgets'
		});
	});

	it('answers a script without a session with 401, not a log-in page', async () => {
		const response = await fetch(`${server.origin}/budgets`, {
			headers: { accept: 'application/json' }
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({ message: 'Log in first.' });
	});

	it('lets the public pages through without a session', async () => {
		for (const path of ['/login', '/signup']) {
			expect((await getPage(server.origin, path)).status).toBe(200);
		}
	});

	it('serves the signed-in pages to a session', async () => {
		for (const path of SIGNED_IN_PAGES) {
			const response = await getPage(server.origin, path, cookie);
			expect(response.status, path).toBe(200);
		}
	});

	describe('session-authenticated tRPC', () => {
		const limit = {
			appliesTo: 'gift',
			metric: 'coins',
			period: 'month',
			amount: 500,
			creatorId: null,
			action: 'block'
		};

		it('answers budgets.* to the session cookie', async () => {
			const set = await fetch(`${server.origin}/api/trpc/budgets.set`, {
				method: 'POST',
				headers: { cookie, origin: server.origin, 'content-type': 'application/json' },
				body: JSON.stringify(limit)
			});
			expect(set.status, await set.clone().text()).toBe(200);
			const list = await fetch(`${server.origin}/api/trpc/budgets.list`, {
				headers: { cookie }
			});
			expect(list.status).toBe(200);
			const { result } = await list.json();
			expect(result.data).toEqual([expect.objectContaining({ amount: 500, period: 'month' })]);
		});

		it('refuses a mutation from another site, or with no Origin, and changes nothing', async () => {
			const before = await fetch(`${server.origin}/api/trpc/budgets.list`, { headers: { cookie } });
			const count = (await before.json()).result.data.length;
			for (const origin of ['https://evil.example', null]) {
				const response = await fetch(`${server.origin}/api/trpc/budgets.set`, {
					method: 'POST',
					headers: {
						cookie,
						'content-type': 'application/json',
						...(origin ? { origin } : {})
					},
					body: JSON.stringify({ ...limit, amount: 1 })
				});
				expect(response.status).toBe(403);
				expect((await response.json()).error.message).toContain('Cross-site calls are refused');
			}
			const after = await fetch(`${server.origin}/api/trpc/budgets.list`, { headers: { cookie } });
			expect((await after.json()).result.data).toHaveLength(count);
		});

		it('answers 401 to budgets.* without a session', async () => {
			const response = await fetch(`${server.origin}/api/trpc/budgets.list`);
			expect(response.status).toBe(401);
		});
	});

	it('refuses a cross-site form with a page that says what to do', async () => {
		const response = await postForm(
			server.origin,
			'/login',
			{ email: 'x@example.com', password: 'whatever it is' },
			{ originHeader: 'http://localhost:1' }
		);
		expect(response.status).toBe(403);
		expect(response.headers.get('content-type')).toContain('text/html');
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		const page = await response.text();
		expect(page).toContain('This form was refused');
		expect(page).toContain('ORIGIN=http://localhost:1');
		expect(sessionCookie(response)).toBeNull();
	});
});

describe('log-in at any local address when ORIGIN is not set [sqlite]', () => {
	let server: RunningServer;
	let database: TestDatabase;
	const email = 'local@example.com';
	const password = 'a passphrase that is long';

	beforeAll(async () => {
		database = await createTestDatabase('sqlite');
		server = await startServer({ DATABASE_URL: database.url, ORIGIN: undefined });
		const signUp = await postForm(server.origin, '/signup', {
			email,
			displayName: 'Local',
			password,
			timeZone: 'Europe/Paris',
			currency: 'EUR'
		});
		expect(signUp.status).toBe(303);
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	it('prints the address that works', () => {
		const port = new URL(server.origin).port;
		expect(server.output()).toContain(`Coinguard is running at http://127.0.0.1:${port}`);
		expect(server.output()).not.toContain('0.0.0.0');
	});

	it.each(['127.0.0.1', 'localhost'])('logs in at http://%s', async (host) => {
		const port = new URL(server.origin).port;
		const origin = `http://${host}:${port}`;
		// fetch keeps the Host header of the URL: the server sees the address a browser used.
		const response = await postForm(origin, '/login', { email, password, redirectTo: '/' });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/');
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cg_session='));
		expect(cookie).toBeDefined();
		expect(cookie).not.toMatch(/;\s*Secure/i);
	});

	it('still refuses a form from another site', async () => {
		const response = await postForm(
			server.origin,
			'/login',
			{ email, password },
			{ originHeader: 'https://evil.example' }
		);
		expect(response.status).toBe(403);
	});
});
