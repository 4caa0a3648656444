import { afterAll, beforeAll, expect, it } from 'vitest';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import { runCli } from '../support/cli';
import { describeEachDatabase } from '../support/each-database';
import { startServer, type RunningServer } from '../support/server';

// The purchase API as another service calls it: tRPC's plain JSON wire format (no
// transformer, no "json" wrapper), POST for mutations, GET with ?input= for queries.

interface Answer {
	status: number;
	text: string;
	body: {
		result?: { data: Record<string, unknown> };
		error?: {
			message: string;
			data: { code: string; httpStatus: number; fields?: { path: string; message: string }[] };
		};
	};
}

describeEachDatabase('purchase.authorize over HTTP', (ctx) => {
	let server: RunningServer;
	let apiKey: string;
	let accountId: string;

	beforeAll(async () => {
		const [started, user, key] = await Promise.all([
			startServer({ DATABASE_URL: ctx.url }),
			runCli(
				'admin',
				[
					'create-user',
					'--email',
					'buyer@example.com',
					'--password',
					'a long enough passphrase',
					'--time-zone',
					'America/New_York',
					'--currency',
					'USD'
				],
				ctx.url
			),
			runCli('admin', ['create-api-key', '--name', 'purchase flow'], ctx.url)
		]);
		server = started;
		expect(user.code, user.stderr).toBe(0);
		expect(key.code, key.stderr).toBe(0);
		accountId = user.json!.accountId as string;
		apiKey = key.json!.apiKey as string;
		// Coins for the gifts below, as captured recharges would have credited them.
		await ctx.database.db
			.updateTable('accounts')
			.set({ coin_balance: 100_000 })
			.where('id', '=', accountId)
			.execute();
	});
	afterAll(async () => {
		await server?.stop();
	});

	let sequence = 0;
	const valid = (extra: Record<string, unknown> = {}) => ({
		idempotencyKey: `http-${++sequence}`,
		accountId,
		kind: 'recharge',
		coins: 500,
		price: { amount: 499, currency: 'USD' },
		...extra
	});

	async function read(response: Response): Promise<Answer> {
		const text = await response.text();
		return { status: response.status, text, body: JSON.parse(text) };
	}

	function post(
		procedure: string,
		body: unknown,
		headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }
	): Promise<Answer> {
		return fetch(`${server.origin}/api/trpc/purchase.${procedure}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		}).then(read);
	}

	function get(authorizationId: string, key = apiKey): Promise<Answer> {
		const input = encodeURIComponent(JSON.stringify({ authorizationId }));
		return fetch(`${server.origin}/api/trpc/purchase.get?input=${input}`, {
			headers: { authorization: `Bearer ${key}` }
		}).then(read);
	}

	async function authorizationCount(): Promise<number> {
		const row = await ctx.database.db
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		return Number(row.n);
	}

	/** Posts to purchase.authorize and reports how many authorizations it wrote. */
	async function authorize(body: unknown, headers?: Record<string, string>) {
		const before = await authorizationCount();
		const answer = await post('authorize', body, headers);
		return { ...answer, written: (await authorizationCount()) - before };
	}

	it('authorizes a valid purchase, and purchase.get reads it back', async () => {
		const answer = await authorize(valid());
		expect(answer.status).toBe(200);
		expect(answer.written).toBe(1);
		const data = answer.body.result!.data;
		expect(data).toEqual({
			authorizationId: expect.stringMatching(/^auth/),
			decision: 'approved',
			reasons: [],
			expiresAt: expect.any(String)
		});
		const read = await get(data.authorizationId as string);
		expect(read.status).toBe(200);
		expect(read.body.result!.data).toEqual({
			authorizationId: data.authorizationId,
			status: 'held',
			decision: 'approved',
			reasons: [],
			expiresAt: data.expiresAt
		});
	});

	it('accepts the edges of the contract: 1 and 10,000,000 coins, a key of 255 characters', async () => {
		for (const body of [
			valid({ coins: 1 }),
			valid({ coins: 10_000_000, kind: 'gift', price: undefined, creatorId: 'c-edge' }),
			valid({ idempotencyKey: 'k'.repeat(255), price: { amount: 0, currency: 'usd' } })
		]) {
			const answer = await authorize(body);
			expect(answer.status, answer.text).toBe(200);
			expect(answer.written).toBe(1);
		}
	});

	const long = 'k'.repeat(256);
	it.each([
		[
			'a missing accountId',
			() => valid({ accountId: undefined }),
			'accountId',
			'accountId: accountId must be a string.'
		],
		[
			'a missing kind',
			() => valid({ kind: undefined }),
			'kind',
			'kind: kind must be "recharge" or "gift".'
		],
		[
			'a missing coins',
			() => valid({ coins: undefined }),
			'coins',
			'coins: coins must be a number.'
		],
		['coins as a string', () => valid({ coins: '500' }), 'coins', 'coins: coins must be a number.'],
		[
			'an accountId number',
			() => valid({ accountId: 42 }),
			'accountId',
			'accountId: accountId must be a string.'
		],
		[
			'an unknown kind',
			() => valid({ kind: 'refund' }),
			'kind',
			'kind: kind must be "recharge" or "gift".'
		],
		[
			'a price string',
			() => valid({ price: '4.99' }),
			'price',
			'price: price must be an object { amount, currency }.'
		],
		['float coins', () => valid({ coins: 1.5 }), 'coins', 'coins: coins must be a whole number.'],
		['negative coins', () => valid({ coins: -5 }), 'coins', 'coins: coins must be at least 1.'],
		['zero coins', () => valid({ coins: 0 }), 'coins', 'coins: coins must be at least 1.'],
		[
			'coins over 10,000,000',
			() => valid({ coins: 10_000_001 }),
			'coins',
			'coins: coins must be at most 10,000,000.'
		],
		[
			'an unknown currency',
			() => valid({ price: { amount: 499, currency: 'ZZZ' } }),
			'price.currency',
			'price.currency: Currency must be a known ISO 4217 code such as USD or EUR.'
		],
		[
			'a negative price',
			() => valid({ price: { amount: -1, currency: 'USD' } }),
			'price.amount',
			'price.amount: price.amount must not be negative.'
		],
		[
			'a fractional price',
			() => valid({ price: { amount: 4.99, currency: 'USD' } }),
			'price.amount',
			'price.amount: price.amount must be a whole number of minor units (cents).'
		],
		[
			'a recharge without a price',
			() => valid({ price: undefined }),
			'price',
			'price: price is required for a recharge.'
		],
		[
			'a gift without a creator',
			() => valid({ kind: 'gift', price: undefined }),
			'creatorId',
			'creatorId: creatorId is required for a gift.'
		],
		[
			'an idempotencyKey of 256 characters',
			() => valid({ idempotencyKey: long }),
			'idempotencyKey',
			'idempotencyKey: idempotencyKey must be at most 255 characters.'
		],
		[
			'an empty idempotencyKey',
			() => valid({ idempotencyKey: '' }),
			'idempotencyKey',
			'idempotencyKey: idempotencyKey must not be empty.'
		],
		[
			'an unknown channel',
			() => valid({ channel: 'fax' }),
			'channel',
			'channel: channel must be one of app, web, gift_card, third_party.'
		],
		[
			'an unknown (misspelt) field',
			() => valid({ creatorID: 'c-ada' }),
			'',
			'Unknown field: creatorID.'
		]
	])(
		'answers %s with 400 naming the field, and writes nothing',
		async (_what, body, field, message) => {
			const answer = await authorize(body());
			expect(answer.status).toBe(400);
			expect(answer.body.error!.data.code).toBe('BAD_REQUEST');
			// Exactly one problem, named by its field, in the message and in data.fields.
			expect(answer.body.error!.message).toBe(message);
			expect(answer.body.error!.data.fields!.map((f) => f.path)).toEqual([field]);
			expect(answer.written).toBe(0);
		}
	);

	it.each([
		['an array', '[]', 'The input must be a JSON object.'],
		['a string', '"buy"', 'The input must be a JSON object.'],
		['no body at all', '', 'The input must be a JSON object.']
	])('answers %s as input with 400, and writes nothing', async (_what, raw, message) => {
		const answer = await authorize(raw);
		expect(answer.status).toBe(400);
		expect(answer.body.error!.message).toBe(message);
		expect(answer.written).toBe(0);
	});

	it('answers malformed JSON with 400 and writes nothing', async () => {
		const answer = await authorize('{"idempotencyKey": "http-broken", "coins": 5');
		expect(answer.status).toBe(400);
		expect(answer.body.error!.data.code).toBe('BAD_REQUEST');
		expect(answer.body.error!.message).toMatch(/^Malformed JSON in the request body/);
		expect(answer.written).toBe(0);
	});

	it('refuses a body over 64 KiB with 413 and writes nothing', async () => {
		const answer = await authorize(valid({ packageId: 'p'.repeat(65 * 1024) }));
		expect(answer.status).toBe(413);
		expect(answer.body.error!.message).toBe('Request body is over 64 KiB.');
		expect(answer.written).toBe(0);
	});

	it('answers a missing, unknown or revoked API key with 401, and writes nothing', async () => {
		const missing = await authorize(valid(), {});
		expect(missing.status).toBe(401);
		expect(missing.body.error!.message).toBe('Send an API key as "Authorization: Bearer <key>".');
		expect(missing.written).toBe(0);

		const unknown = await authorize(valid(), { authorization: 'Bearer cg_not_a_key_we_made' });
		expect(unknown.status).toBe(401);
		expect(unknown.body.error!.message).toBe('The API key is unknown or revoked.');

		const made = await runCli('admin', ['create-api-key', '--name', 'to revoke'], ctx.url);
		const doomed = made.json!.apiKey as string;
		const before = await authorize(valid(), { authorization: `Bearer ${doomed}` });
		expect(before.status).toBe(200);
		const revoked = await runCli(
			'admin',
			['revoke-api-key', '--id', made.json!.apiKeyId as string],
			ctx.url
		);
		expect(revoked.code, revoked.stderr).toBe(0);
		const after = await authorize(valid(), { authorization: `Bearer ${doomed}` });
		expect(after.status).toBe(401);
		expect(after.body.error!.data.code).toBe('UNAUTHORIZED');
		expect(after.body.error!.message).toBe('The API key is unknown or revoked.');
		expect(after.written).toBe(0);
		const readBack = await get(before.body.result!.data.authorizationId as string, doomed);
		expect(readBack.status).toBe(401);
	});

	it('answers an unknown account with 404 and writes nothing', async () => {
		const answer = await authorize(valid({ accountId: 'acct_nobody' }));
		expect(answer.status).toBe(404);
		expect(answer.body.error!).toMatchObject({
			message: 'No account with that accountId.',
			data: { code: 'NOT_FOUND', httpStatus: 404 }
		});
		expect(answer.written).toBe(0);
	});

	it('replays the same key and body byte for byte, and answers another body with 409', async () => {
		const body = valid();
		const first = await authorize(body);
		const again = await authorize(body);
		expect(first.status).toBe(200);
		expect(again.status).toBe(200);
		expect(again.text).toBe(first.text);
		expect(again.written).toBe(0);

		const changed = await authorize({ ...body, coins: 501 });
		expect(changed.status).toBe(409);
		expect(changed.body.error!).toMatchObject({
			message:
				'This idempotencyKey was already used with a different request. Use a new key for a new purchase.',
			data: { code: 'CONFLICT', httpStatus: 409 }
		});
		expect(changed.written).toBe(0);
	});

	it('stores HTML and SQL in strings as data, never running them', async () => {
		const creatorId = `<script>alert(1)</script>'); DROP TABLE authorizations; --`;
		const idempotencyKey = `x' OR '1'='1`;
		const answer = await authorize(
			valid({ kind: 'gift', price: undefined, creatorId, idempotencyKey })
		);
		expect(answer.status).toBe(200);
		expect(answer.written).toBe(1);
		const id = answer.body.result!.data.authorizationId as string;
		const row = await ctx.database.db
			.selectFrom('authorizations')
			.select(['creator_id', 'idempotency_key'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ creator_id: creatorId, idempotency_key: idempotencyKey });
		const creator = await ctx.database.db
			.selectFrom('creators')
			.select('display_name')
			.where('id', '=', creatorId)
			.executeTakeFirstOrThrow();
		expect(creator.display_name).toBe(creatorId);

		// A limit on exactly that creator matches it, as a string.
		const limit = await runCli(
			'admin',
			[
				'set-limit',
				'--account',
				accountId,
				'--applies-to',
				'gift',
				'--metric',
				'coins',
				'--period',
				'day',
				'--amount',
				'0',
				'--creator',
				creatorId
			],
			ctx.url
		);
		expect(limit.code, limit.stderr).toBe(0);
		const blocked = await authorize(valid({ kind: 'gift', price: undefined, creatorId }));
		expect(blocked.body.result!.data).toMatchObject({
			decision: 'declined',
			reasons: [{ code: 'creator_blocked', message: 'Gifts to this creator are blocked.' }]
		});

		const injected = await get(`' OR 1=1 --`);
		expect(injected.status).toBe(404);
		expect(injected.body.error!.message).toBe('No authorization with that authorizationId.');
	});

	it('refuses every purchase procedure to a personal key (403), and writes nothing', async () => {
		// As the Settings page makes it (a minor can make one).
		const personal = await apiKeys.create(ctx.database.db, 'my script', { ownerId: accountId });
		const headers = { authorization: `Bearer ${personal.key}` };
		const message =
			"Personal API keys are read-only: they can read your own reports and nothing else. Only the purchase flow's operator key may run purchases.";

		// The mint: a free 10,000,000-coin recharge for the key's own account.
		const mint = await authorize(
			valid({ coins: 10_000_000, price: { amount: 0, currency: 'USD' } }),
			headers
		);
		expect(mint.status).toBe(403);
		expect(mint.body.error!).toMatchObject({
			message,
			data: { code: 'FORBIDDEN', httpStatus: 403 }
		});
		expect(mint.written).toBe(0);

		const made = await authorize(valid());
		const authorizationId = made.body.result!.data.authorizationId as string;
		for (const procedure of ['capture', 'void']) {
			const answer = await post(procedure, { authorizationId }, headers);
			expect(answer.status).toBe(403);
			expect(answer.body.error!.data.code).toBe('FORBIDDEN');
		}
		const read = await get(authorizationId, personal.key);
		expect(read.status).toBe(403);
		expect((await get(authorizationId)).body.result!.data).toMatchObject({ status: 'held' });
	});

	it('answers 429 naming creatorId past 100 unknown creators from one key in an hour', async () => {
		const key = await apiKeys.create(ctx.database.db, 'creator inventor');
		const headers = { authorization: `Bearer ${key.key}` };
		const gift = (creatorId: string) =>
			valid({ kind: 'gift', price: undefined, coins: 1, creatorId });
		for (let i = 0; i < 100; i++) {
			const answer = await post('authorize', gift(`invented-${ctx.dialect}-${i}`), headers);
			expect(answer.status, answer.text).toBe(200);
		}
		const over = await authorize(gift(`invented-${ctx.dialect}-over`), headers);
		expect(over.status).toBe(429);
		expect(over.body.error!.data.code).toBe('TOO_MANY_REQUESTS');
		expect(over.body.error!.message).toMatch(/^creatorId: /);
		expect(over.written).toBe(0);
		// A known creator, in another spelling, is still fine.
		const known = await authorize(gift(`INVENTED-${ctx.dialect}-0`), headers);
		expect(known.status).toBe(200);
	});
});
