import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuthorizeInput, AuthorizeResponse } from '$lib/schemas/purchase';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as totals from '../../src/lib/server/ledger/totals';
import { describeEachDatabase } from '../support/each-database';
import {
	accountWithMonthlyLimit,
	callPurchase,
	recharge,
	seededRandom,
	stopWithin,
	type ApiCall
} from '../support/purchase-api';
import { startServer, type RunningServer } from '../support/server';

// Two production servers on one database, as behind a load balancer: the limit must hold
// across processes, not only within one.
const CALLS = 200;

describeEachDatabase('purchase.authorize under concurrency, two servers', (ctx) => {
	let servers: RunningServer[] = [];
	let apiKey: string;

	beforeAll(async () => {
		apiKey = (await apiKeys.create(ctx.database.db, 'concurrency test')).key;
		servers = await Promise.all([
			startServer({ DATABASE_URL: ctx.url }),
			startServer({ DATABASE_URL: ctx.url })
		]);
	});
	afterAll(async () => {
		await Promise.all(servers.map((s) => stopWithin(s)));
	});

	/** Fires every request at once, alternating between the two servers. */
	function fireAll(inputs: AuthorizeInput[]): Promise<ApiCall<AuthorizeResponse>[]> {
		return Promise.all(
			inputs.map((input, i) =>
				callPurchase(servers[i % servers.length]!.origin, apiKey, 'authorize', input)
			)
		);
	}

	/** Every answer is a decision: no 5xx, no error of any kind for a valid request. */
	function expectAllDecided(calls: ApiCall<AuthorizeResponse>[]) {
		const failures = calls.filter((c) => c.status !== 200 || !c.data);
		const serverErrors = failures.filter((c) => c.status >= 500);
		expect(
			serverErrors.map((c) => `${c.status} ${c.text.slice(0, 300)}`),
			'5xx answers'
		).toEqual([]);
		expect(
			failures.map((c) => `${c.status} ${c.text.slice(0, 300)}`),
			'answers that are not decisions'
		).toEqual([]);
		for (const call of calls) expect(['approved', 'declined']).toContain(call.data!.decision);
	}

	async function expectTotalsConsistent(accountId: string) {
		const db = ctx.database.db;
		expect(await totals.stored(db, accountId)).toEqual(await totals.recompute(db, accountId));
	}

	async function authorizationRows(accountId: string) {
		return ctx.database.db
			.selectFrom('authorizations')
			.select(['id', 'idempotency_key', 'coins', 'status', 'response'])
			.where('account_id', '=', accountId)
			.execute();
	}

	function dumpOnFailure() {
		return servers.map((s, i) => `--- server ${i} ---\n${s.output().slice(-4000)}`).join('\n');
	}

	/** Fires every call at once and expects each decided; the servers' logs show on failure. */
	async function decideAll(inputs: AuthorizeInput[], context = '') {
		const calls = await fireAll(inputs);
		try {
			expectAllDecided(calls);
		} catch (error) {
			console.error(`${context}\n${dumpOnFailure()}`);
			throw error;
		}
		return calls;
	}

	it('never approves past a monthly block limit with requests of random sizes', async () => {
		const limit = 3000;
		const seed = Date.now() % 1_000_000;
		const random = seededRandom(seed);
		const accountId = await accountWithMonthlyLimit(ctx.database.db, 'random-sizes', limit);
		const inputs = Array.from({ length: CALLS }, (_, i) =>
			recharge(accountId, `random-${seed}-${i}`, 1 + Math.floor(random() * 60))
		);

		const calls = await decideAll(inputs, `seed ${seed}`);

		const approved = inputs.filter((_, i) => calls[i]!.data!.decision === 'approved');
		const approvedCoins = approved.reduce((sum, input) => sum + input.coins, 0);
		expect(approvedCoins, `seed ${seed}`).toBeLessThanOrEqual(limit);
		// Nothing was released meanwhile, so a decline was right only if it would still not fit.
		for (const [i, call] of calls.entries()) {
			if (call.data!.decision !== 'declined') continue;
			expect(approvedCoins + inputs[i]!.coins, `seed ${seed}, request ${i}`).toBeGreaterThan(limit);
			expect(call.data!.reasons.map((r) => r.code)).toContain('monthly_limit');
		}

		const rows = await authorizationRows(accountId);
		expect(rows).toHaveLength(CALLS);
		const held = rows.filter((r) => r.status === 'held');
		expect(held.reduce((sum, r) => sum + Number(r.coins), 0)).toBe(approvedCoins);
		await expectTotalsConsistent(accountId);
	}, 60_000);

	it('approves exactly floor(limit / size) of equal requests and declines the rest', async () => {
		const limit = 1000;
		const size = 7;
		const accountId = await accountWithMonthlyLimit(ctx.database.db, 'equal-sizes', limit);
		const inputs = Array.from({ length: CALLS }, (_, i) => recharge(accountId, `equal-${i}`, size));

		const calls = await decideAll(inputs);

		const approved = calls.filter((c) => c.data!.decision === 'approved');
		const declined = calls.filter((c) => c.data!.decision === 'declined');
		expect(approved).toHaveLength(Math.floor(limit / size));
		expect(declined).toHaveLength(CALLS - Math.floor(limit / size));
		for (const call of declined) {
			expect(call.data!.reasons.map((r) => r.code)).toEqual(['monthly_limit']);
			expect(call.data!.expiresAt).toBeNull();
		}
		for (const call of approved) expect(call.data!.reasons).toEqual([]);
		// Both servers took part in approving.
		const approvedBy = new Set(
			calls.flatMap((c, i) => (c.data!.decision === 'approved' ? [i % 2] : []))
		);
		expect(approvedBy.size).toBe(2);

		const rows = await authorizationRows(accountId);
		expect(rows.filter((r) => r.status === 'held')).toHaveLength(Math.floor(limit / size));
		await expectTotalsConsistent(accountId);
	}, 60_000);

	it('answers 20 concurrent replays of one idempotency key with one authorization', async () => {
		const accountId = await accountWithMonthlyLimit(ctx.database.db, 'replays', 1000);
		const input = recharge(accountId, 'the-one-key', 250);
		const calls = await decideAll(Array.from({ length: 20 }, () => input));
		const first = calls[0]!;
		expect(first.data!.decision).toBe('approved');
		for (const call of calls) {
			expect(call.data).toEqual(first.data);
			expect(call.text).toBe(first.text);
		}

		const rows = await authorizationRows(accountId);
		expect(rows).toHaveLength(1);
		expect(rows[0]!.id).toBe(first.data!.authorizationId);
		expect(JSON.parse(rows[0]!.response)).toEqual(first.data);
		await expectTotalsConsistent(accountId);

		// The same key with another input is a conflict, on either server, and writes nothing.
		const other = await Promise.all(
			servers.map((s) =>
				callPurchase(s.origin, apiKey, 'authorize', { ...input, coins: input.coins + 1 })
			)
		);
		for (const call of other) {
			expect(call.status).toBe(409);
			expect(call.error?.code).toBe('CONFLICT');
		}
		expect(await authorizationRows(accountId)).toHaveLength(1);
	}, 60_000);

	it('never lets 10 concurrent 30-coin gifts spend more than a 65-coin balance', async () => {
		const accountId = await accountWithMonthlyLimit(ctx.database.db, 'gifts', 1000);
		const origin = servers[0]!.origin;
		const bought = await callPurchase(
			origin,
			apiKey,
			'authorize',
			recharge(accountId, 'coins', 65)
		);
		expect(bought.data?.decision).toBe('approved');
		const credited = await callPurchase(origin, apiKey, 'capture', {
			authorizationId: bought.data!.authorizationId
		});
		expect(credited.status).toBe(200);

		const gifts = Array.from({ length: 10 }, (_, i) => ({
			idempotencyKey: `gift-${i}`,
			accountId,
			kind: 'gift' as const,
			coins: 30,
			creatorId: 'cr_concurrency'
		}));
		const calls = await decideAll(gifts);
		const approved = calls.filter((c) => c.data!.decision === 'approved');
		const declined = calls.filter((c) => c.data!.decision === 'declined');
		expect(approved).toHaveLength(2);
		for (const call of declined) {
			expect(call.data!.reasons).toEqual([
				{
					code: 'insufficient_balance',
					message:
						'This gift needs 30 coins and 5 are available (65 in the balance, 60 on hold for other gifts).',
					coins: { needed: 30, available: 5, balance: 65, onHold: 60 }
				}
			]);
		}

		const captures = await Promise.all(
			approved.map((c, i) =>
				callPurchase(servers[i % servers.length]!.origin, apiKey, 'capture', {
					authorizationId: c.data!.authorizationId
				})
			)
		);
		expect(captures.map((c) => c.status)).toEqual([200, 200]);
		const account = await ctx.database.db
			.selectFrom('accounts')
			.select(['coin_balance', 'gift_coins_on_hold'])
			.where('id', '=', accountId)
			.executeTakeFirstOrThrow();
		expect(account).toEqual({ coin_balance: 5, gift_coins_on_hold: 0 });
		await expectTotalsConsistent(accountId);
	}, 60_000);
});
