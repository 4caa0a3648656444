import { afterAll, beforeAll, expect, it } from 'vitest';
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
});
