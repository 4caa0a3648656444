import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { describeEachDatabase } from '../support/each-database';
import { startServer, type RunningServer } from '../support/server';

describeEachDatabase('tRPC endpoint', (ctx) => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('answers health.ping with plain JSON (no transformer)', async () => {
		const response = await fetch(`${server.origin}/api/trpc/health.ping`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ result: { data: { ok: true } } });
	});

	it('answers an unknown procedure with 404', async () => {
		const response = await fetch(`${server.origin}/api/trpc/nothing.here`);
		expect(response.status).toBe(404);
	});

	it('refuses a body over 64 KiB with 413, declared or chunked', async () => {
		const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
		const declared = await fetch(`${server.origin}/api/trpc/health.ping`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: big
		});
		expect(declared.status).toBe(413);
		expect((await declared.json()).error.message).toBe('Request body is over 64 KiB.');

		const stream = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode(big));
				controller.close();
			}
		});
		const chunked = await fetch(`${server.origin}/api/trpc/health.ping`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: stream,
			duplex: 'half'
		} as RequestInit);
		expect(chunked.status).toBe(413);
	});

	function streamOf(size: number): ReadableStream<Uint8Array> {
		return new ReadableStream({
			start(controller) {
				for (let sent = 0; sent < size; sent += 16 * 1024) {
					controller.enqueue(
						new TextEncoder().encode('x'.repeat(Math.min(16 * 1024, size - sent)))
					);
				}
				controller.close();
			}
		});
	}

	it('answers every oversized body with a 413 the client can read, and keeps the connection usable', async () => {
		const outcomes = new Map<string, number>();
		const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
		for (let i = 0; i < 15; i++) {
			for (const [path, type, size] of [
				['/api/trpc/health.ping', 'application/json', 200_000],
				['/api/trpc/health.ping', 'application/json', 2_000_000],
				['/login', 'application/x-www-form-urlencoded', 200_000]
			] as const) {
				try {
					const response = await fetch(server.origin + path, {
						method: 'POST',
						headers: { 'content-type': type, origin: server.origin },
						body: 'x'.repeat(size)
					});
					await response.text();
					count(`${path} ${size}: ${response.status}`);
					// The next request on the same kept-alive connection.
					const next = await fetch(`${server.origin}/api/trpc/health.ping`);
					await next.text();
					count(`next: ${next.status}`);
				} catch (error) {
					count(
						`${path} ${size}: ${(error as { cause?: { code?: string } }).cause?.code ?? error}`
					);
				}
			}
		}
		expect(Object.fromEntries(outcomes)).toEqual({
			'/api/trpc/health.ping 200000: 413': 15,
			'/api/trpc/health.ping 2000000: 413': 15,
			'/login 200000: 413': 15,
			'next: 200': 45
		});
	});

	it('holds chunked page and API bodies to 64 KiB, with JSON for the API', async () => {
		const page = await fetch(`${server.origin}/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin },
			body: streamOf(100_000),
			duplex: 'half'
		} as RequestInit);
		expect(page.status).toBe(413);
		expect(page.headers.get('content-type')).toContain('text/html');
		expect(await page.text()).toContain('Request body is over 64 KiB.');

		const api = await fetch(`${server.origin}/api/trpc/health.ping`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: streamOf(600_000),
			duplex: 'half'
		} as RequestInit);
		expect(api.status).toBe(413);
		expect((await api.json()).error.data.code).toBe('PAYLOAD_TOO_LARGE');
		expect(server.output()).not.toMatch(/Payload Too Large|BODY_SIZE_LIMIT|\n\s+at /);
	});

	it('still reads a small chunked form', async () => {
		const form = new URLSearchParams({ email: 'nobody@example.com', password: 'not the one' });
		const response = await fetch(`${server.origin}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: server.origin
			},
			body: new Blob([form.toString()]).stream(),
			duplex: 'half'
		} as RequestInit);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('Wrong e-mail or password.');
	});

	it('refuses a batch of more than 100 calls whole, and runs none of it', async () => {
		const key = await runCli('admin', ['create-api-key', '--name', 'batcher'], ctx.url);
		const user = await runCli(
			'admin',
			[
				'create-user',
				'--email',
				`batch-${ctx.dialect}@example.com`,
				'--password',
				'long enough pass'
			],
			ctx.url
		);
		const accountId = user.json!.accountId as string;
		const calls = Array.from({ length: 101 }, (_, i) => ({
			idempotencyKey: `batch-${i}`,
			accountId,
			kind: 'recharge',
			coins: 10,
			price: { amount: 10, currency: 'USD' }
		}));
		const body = Object.fromEntries(calls.map((input, i) => [String(i), input]));
		const paths = calls.map(() => 'purchase.authorize').join(',');
		const response = await fetch(`${server.origin}/api/trpc/${paths}?batch=1`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key.json!.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		expect(response.status).toBe(400);
		const answer = await response.json();
		const message = (Array.isArray(answer) ? answer[0] : answer).error.message;
		expect(message).toBe('A batch may hold at most 100 calls; nothing in this one was run.');
		const written = await ctx.database.db
			.selectFrom('authorizations')
			.select('id')
			.where('account_id', '=', accountId)
			.execute();
		expect(written).toHaveLength(0);

		const hundred = await fetch(
			`${server.origin}/api/trpc/${Array(100).fill('health.ping').join(',')}?batch=1`
		);
		expect(hundred.status).toBe(200);
	});
});
