import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { describeEachDatabase } from '../support/each-database';
import { getPage, postForm } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// PostgreSQL cannot store a NUL character in text, and used to answer such input with a 500
// carrying its own message. Every way in is refused as bad input, the same on both databases.

describeEachDatabase('NUL characters in input', (ctx) => {
	let server: RunningServer;
	let apiKey: string;
	let accountId: string;
	let cookie: string;

	beforeAll(async () => {
		const [started, key] = await Promise.all([
			startServer({ DATABASE_URL: ctx.url }),
			runCli('admin', ['create-api-key', '--name', 'nul flow'], ctx.url)
		]);
		server = started;
		expect(key.code, key.stderr).toBe(0);
		apiKey = key.json!.apiKey as string;
		({ accountId, cookie } = await signedInAccount(
			ctx.database.db,
			`nul-${ctx.dialect}@example.com`
		));
	});
	afterAll(async () => {
		await server?.stop();
	});

	async function rowCounts() {
		const count = async (table: 'authorizations' | 'creators' | 'limits' | 'api_keys') =>
			Number(
				(
					await ctx.database.db
						.selectFrom(table)
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		return {
			authorizations: await count('authorizations'),
			creators: await count('creators'),
			limits: await count('limits'),
			apiKeys: await count('api_keys')
		};
	}

	const gift = () => ({
		idempotencyKey: `nul-${crypto.randomUUID()}`,
		accountId,
		kind: 'gift',
		coins: 5,
		creatorId: 'creator_plain'
	});

	it.each([
		['idempotencyKey', { idempotencyKey: 'a\u0000b' }],
		['accountId', { accountId: 'acct_\u0000' }],
		['creatorId', { creatorId: 'lunabeats\u0000' }],
		['paymentMethod', { paymentMethod: 'card\u0000' }],
		['packageId', { packageId: '\u0000' }]
	])('refuses a NUL in purchase.authorize %s with 400 naming it', async (field, change) => {
		const before = await rowCounts();
		const response = await fetch(`${server.origin}/api/trpc/purchase.authorize`, {
			method: 'POST',
			headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ ...gift(), ...change })
		});
		expect(response.status).toBe(400);
		const { error } = await response.json();
		expect(error.message).toBe(`${field}: must not contain a NUL character (\\u0000).`);
		expect(await rowCounts()).toEqual(before);
	});

	it('refuses a NUL in a query input and in a session-authenticated mutation', async () => {
		const input = encodeURIComponent(JSON.stringify({ authorizationId: 'auth_\u0000' }));
		const get = await fetch(`${server.origin}/api/trpc/purchase.get?input=${input}`, {
			headers: { authorization: `Bearer ${apiKey}` }
		});
		expect(get.status).toBe(400);
		expect((await get.json()).error.message).toContain('authorizationId: must not contain');

		const before = await rowCounts();
		const remove = await fetch(`${server.origin}/api/trpc/budgets.remove`, {
			method: 'POST',
			headers: { cookie, origin: server.origin, 'content-type': 'application/json' },
			body: JSON.stringify({ limitId: 'lim_\u0000' })
		});
		expect(remove.status).toBe(400);
		expect(await rowCounts()).toEqual(before);
	});

	it.each([
		['/settings?/createKey', { name: 'my\u0000key' }, 'name'],
		['/budgets?/add', { appliesTo: 'gift', creatorHandle: 'luna\u0000' }, 'creatorHandle'],
		['/login', { email: 'a\u0000@example.com', password: 'whatever it is' }, 'email'],
		['/signup', { email: 'b@example.com', displayName: 'B\u0000' }, 'displayName']
	])('refuses a NUL in the form %s with 400 naming the field', async (path, fields, field) => {
		const before = await rowCounts();
		const response = await postForm(server.origin, path, fields, { cookie });
		expect(response.status).toBe(400);
		const page = await response.text();
		expect(page).toContain('holds a NUL character; nothing was saved.');
		expect(page).toContain(field);
		expect(await rowCounts()).toEqual(before);
	});

	it('answers a NUL in a creator link with 404', async () => {
		const response = await getPage(server.origin, '/live/a%00b', cookie);
		expect(response.status).toBe(404);
	});

	it('treats a session cookie with a NUL as no session, on every page', async () => {
		for (const [path, status] of [
			['/login', 200],
			['/signup', 200],
			['/', 303],
			['/settings', 303]
		] as const) {
			const response = await fetch(server.origin + path, {
				redirect: 'manual',
				headers: { cookie: 'cg_session=a%00b.c', accept: 'text/html' }
			});
			expect(response.status, path).toBe(status);
		}
		expect(server.output()).not.toMatch(/invalid byte sequence|0x00/);
	});
});
