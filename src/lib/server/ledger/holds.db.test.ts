import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput, type AuthorizeInput } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import * as creators from '../creators';
import type { ApiKeySummary } from '../auth/api-keys';
import type { LimitFacts } from '$lib/schemas/reasons';
import type { PurchaseKind } from '../db/schema';
import * as limits from '../policy/limits';
import * as holds from './holds';
import * as totals from './totals';

const at = (iso: string) => Date.parse(iso);
const iso = (millis: number) => new Date(millis).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TTL = holds.holdTtl();
const APPROVAL_TTL = DAY;
// Every limit here is in force from this instant; every purchase happens later.
const LIMITS_FROM = at('2025-01-01T00:00:00Z');
// A Wednesday afternoon, the same day in every zone used below.
const T = at('2026-11-18T15:00:00Z');

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;
// Each new account's coins: enough for every gift here unless a test says otherwise.
const COINS = 10_000;

describeEachDatabase('purchase holds', (ctx) => {
	let flow: ApiKeySummary;
	beforeAll(async () => {
		flow = await newKey();
	});

	const db = () => ctx.database.db;

	async function newKey(): Promise<ApiKeySummary> {
		const { key } = await apiKeys.create(db(), unique('key'));
		return (await apiKeys.authenticate(db(), key))!;
	}

	async function newAccount(timeZone = 'UTC', currency = 'USD', coins = COINS): Promise<string> {
		const account = await accounts.create(db(), {
			email: `${unique('holder')}@example.com`,
			displayName: 'Holder',
			password: 'a long enough passphrase',
			timeZone,
			currency
		});
		// As if captured recharges had paid for them.
		await db()
			.updateTable('accounts')
			.set({ coin_balance: coins })
			.where('id', '=', account.id)
			.execute();
		return account.id;
	}

	function setLimit(accountId: string, limit: Partial<limits.NewLimit>) {
		return limits.add(
			db(),
			accountId,
			{
				appliesTo: 'gift',
				metric: 'coins',
				period: 'day',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'block',
				...limit
			},
			{ role: 'operator', accountId: null },
			LIMITS_FROM
		);
	}

	/** The input as the API hands it over: parsed by the contract's schema, defaults filled in. */
	const gift = (accountId: string, coins: number, extra: Partial<AuthorizeInput> = {}) =>
		authorizeInput.parse({
			idempotencyKey: unique('idem'),
			accountId,
			kind: 'gift',
			coins,
			creatorId: 'c-ada',
			...extra
		});

	const recharge = (
		accountId: string,
		coins: number,
		price: { amount: number; currency: string },
		extra: Partial<AuthorizeInput> = {}
	) =>
		authorizeInput.parse({
			idempotencyKey: unique('idem'),
			accountId,
			kind: 'recharge',
			coins,
			price,
			...extra
		});

	const authorize = (input: ReturnType<typeof gift>, now: number, key = flow) =>
		holds.authorize(ctx.database, key, input, now);

	async function refusal(promise: Promise<unknown>): Promise<holds.PurchaseError> {
		const error = await promise.then(
			() => new Error('expected a refusal, got an answer'),
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(holds.PurchaseError);
		return error as holds.PurchaseError;
	}

	async function authorizationCount(accountId: string): Promise<number> {
		const row = await db()
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('account_id', '=', accountId)
			.executeTakeFirstOrThrow();
		return Number(row.n);
	}

	/** Captured and held in one running total; zero when the row does not exist. */
	async function total(
		accountId: string,
		periodKey: string,
		scope = 'coins',
		kind: PurchaseKind = 'gift'
	) {
		const rows = await totals.stored(db(), accountId);
		const row = rows.find(
			(r) => r.kind === kind && r.period_key === periodKey && r.scope === scope
		);
		return { captured: row?.captured ?? 0, held: row?.held ?? 0 };
	}

	async function expectTotalsConsistent(accountId: string) {
		expect(await totals.stored(db(), accountId)).toEqual(await totals.recompute(db(), accountId));
		expect(await giftsOnHold(accountId)).toBe(await totals.recomputeGiftsOnHold(db(), accountId));
	}

	async function giftsOnHold(accountId: string): Promise<number> {
		return (await accounts.get(db(), accountId))!.gift_coins_on_hold;
	}

	/** The limit facts a reason carries, for a gift limit in coins per day unless told. */
	const facts = (limit: Partial<LimitFacts>): LimitFacts => ({
		appliesTo: 'gift',
		metric: 'coins',
		period: 'day',
		amount: 100,
		currency: null,
		creatorId: null,
		action: 'block',
		used: 0,
		requested: 0,
		timeZone: 'UTC',
		...limit
	});

	async function balance(accountId: string): Promise<number> {
		return (await accounts.get(db(), accountId))!.coin_balance;
	}

	// Idempotency

	it('replays the first answer to 20 sequential calls with the same key and body', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 100 });
		const input = gift(account, 40);
		const answers = [];
		for (let i = 0; i < 20; i++) answers.push(await authorize(input, T + i * 1000));
		expect(answers[0]).toMatchObject({ decision: 'approved', reasons: [] });
		expect(answers).toEqual(Array(20).fill(answers[0]));
		expect(await authorizationCount(account)).toBe(1);
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 40 });
		await expectTotalsConsistent(account);
	});

	it('answers 20 concurrent calls with the same key and body with one authorization', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 100 });
		const input = gift(account, 60);
		const answers = await Promise.all(Array.from({ length: 20 }, () => authorize(input, T)));
		expect(answers[0]).toMatchObject({ decision: 'approved' });
		expect(answers).toEqual(Array(20).fill(answers[0]));
		expect(await authorizationCount(account)).toBe(1);
		// Counted once: a second hold of 60 would have passed the limit of 100.
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 60 });
		await expectTotalsConsistent(account);
	});

	it('refuses the same key with a different body as CONFLICT, also when they race', async () => {
		const account = await newAccount();
		const input = gift(account, 40);
		const first = await authorize(input, T);

		for (const changed of [
			{ ...input, coins: 41 },
			{ ...input, creatorId: 'c-bob' },
			{ ...input, channel: 'web' as const },
			{ ...input, packageId: 'rose' }
		]) {
			const error = await refusal(authorize(changed, T + 1000));
			expect(error.code).toBe('CONFLICT');
			expect(error.message).toBe(
				'This idempotencyKey was already used with a different request. Use a new key for a new purchase.'
			);
		}
		expect(await authorize(input, T + 2000)).toEqual(first);

		const racing = gift(account, 1);
		const results = await Promise.allSettled(
			Array.from({ length: 10 }, (_, i) => authorize({ ...racing, coins: i + 1 }, T + 3000))
		);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const result of results.filter((r) => r.status === 'rejected')) {
			expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
		}
		expect(await authorizationCount(account)).toBe(2);
		await expectTotalsConsistent(account);
	});

	it('scopes idempotency keys to the API key', async () => {
		const account = await newAccount();
		const other = await newKey();
		const input = gift(account, 10);
		const mine = await authorize(input, T);
		const theirs = await authorize(input, T, other);
		expect(theirs.authorizationId).not.toBe(mine.authorizationId);
		expect(await authorizationCount(account)).toBe(2);
	});

	// Capture, void and get

	it('captures a held authorization once; capturing again returns the same result', async () => {
		const account = await newAccount();
		const { authorizationId, expiresAt } = await authorize(gift(account, 30), T);
		expect(expiresAt).toBe(iso(T + TTL));
		expect(await holds.get(ctx.database, flow, authorizationId, T + 1)).toEqual({
			authorizationId,
			status: 'held',
			decision: 'approved',
			reasons: [],
			expiresAt: iso(T + TTL)
		});

		const captured = await holds.capture(ctx.database, flow, authorizationId, T + 1000);
		expect(captured).toEqual({
			authorizationId,
			status: 'captured',
			decision: 'approved',
			reasons: [],
			expiresAt: null
		});
		expect(await holds.capture(ctx.database, flow, authorizationId, T + 2000)).toEqual(captured);
		// Long after the hold would have expired, a repeated capture still answers the same.
		expect(await holds.capture(ctx.database, flow, authorizationId, T + 2 * TTL)).toEqual(captured);
		expect(await holds.get(ctx.database, flow, authorizationId, T + 3000)).toEqual(captured);

		const error = await refusal(holds.voidHold(ctx.database, flow, authorizationId, T + 4000));
		expect(error).toMatchObject({
			code: 'CONFLICT',
			message: 'Cannot void this authorization: it was already captured.'
		});
		const entries = await db()
			.selectFrom('ledger_entries')
			.selectAll()
			.where('authorization_id', '=', authorizationId)
			.execute();
		expect(entries).toHaveLength(1);
		expect(await balance(account)).toBe(COINS - 30);
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 30, held: 0 });
		await expectTotalsConsistent(account);
	});

	it('answers 10 concurrent captures of one hold alike, with one ledger entry', async () => {
		const account = await newAccount();
		const { authorizationId } = await authorize(gift(account, 25), T);
		const answers = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				holds.capture(ctx.database, flow, authorizationId, T + i)
			)
		);
		expect(answers).toEqual(Array(10).fill({ ...answers[0], status: 'captured' }));
		expect(await balance(account)).toBe(COINS - 25);
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 25, held: 0 });
		await expectTotalsConsistent(account);
	});

	it('voids a held authorization once; capture after void is a CONFLICT', async () => {
		const account = await newAccount();
		const { authorizationId } = await authorize(gift(account, 30), T);
		const voided = await holds.voidHold(ctx.database, flow, authorizationId, T + 1000);
		expect(voided).toMatchObject({ status: 'voided', expiresAt: null });
		expect(await holds.voidHold(ctx.database, flow, authorizationId, T + 2000)).toEqual(voided);

		const error = await refusal(holds.capture(ctx.database, flow, authorizationId, T + 3000));
		expect(error).toMatchObject({
			code: 'CONFLICT',
			message: 'Cannot capture this authorization: it was voided.'
		});
		expect(await holds.get(ctx.database, flow, authorizationId, T + 4000)).toEqual(voided);
		expect(await balance(account)).toBe(COINS);
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 0 });
		await expectTotalsConsistent(account);
	});

	it('refuses to capture or void a declined authorization', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 10 });
		const declined = await authorize(gift(account, 30), T);
		expect(declined).toMatchObject({ decision: 'declined', expiresAt: null });
		const { authorizationId } = declined;

		for (const settle of [holds.capture, holds.voidHold]) {
			const error = await refusal(settle(ctx.database, flow, authorizationId, T + 1000));
			expect(error.code).toBe('CONFLICT');
			expect(error.message).toMatch(
				/^Cannot (capture|void) this authorization: it was declined\.$/
			);
		}
		expect(await holds.get(ctx.database, flow, authorizationId, T + 2000)).toEqual({
			authorizationId,
			status: 'declined',
			decision: 'declined',
			reasons: declined.reasons,
			expiresAt: null
		});
		expect(await balance(account)).toBe(COINS);
		await expectTotalsConsistent(account);
	});

	it('refuses to capture an authorization that waits for a guardian', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 10, action: 'approval' });
		const pending = await authorize(gift(account, 30), T);
		expect(pending.decision).toBe('pending_approval');
		const error = await refusal(holds.capture(ctx.database, flow, pending.authorizationId, T + 1));
		expect(error).toMatchObject({
			code: 'CONFLICT',
			message: 'Cannot capture this authorization: it is still waiting for a guardian.'
		});
		expect(await holds.get(ctx.database, flow, pending.authorizationId, T + 2)).toMatchObject({
			status: 'pending_approval'
		});
		expect(await balance(account)).toBe(COINS);
	});

	it('answers NOT_FOUND for an authorization that does not exist', async () => {
		for (const call of [holds.get, holds.capture, holds.voidHold]) {
			const error = await refusal(call(ctx.database, flow, 'auth_nothing_here', T));
			expect(error).toMatchObject({
				code: 'NOT_FOUND',
				message: 'No authorization with that authorizationId.'
			});
		}
	});

	// Expiry

	it('expires a hold after its TTL: capture is refused and the hold stops counting', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 100 });
		const held = await authorize(gift(account, 60), T);
		expect(held.decision).toBe('approved');
		// While held, it counts against the limit.
		expect(await authorize(gift(account, 60), T + 1000)).toMatchObject({
			decision: 'declined',
			reasons: [{ code: 'daily_limit' }]
		});
		expect(await holds.get(ctx.database, flow, held.authorizationId, T + TTL - 1)).toMatchObject({
			status: 'held'
		});
		expect(await holds.get(ctx.database, flow, held.authorizationId, T + TTL)).toMatchObject({
			status: 'expired',
			expiresAt: null
		});

		const error = await refusal(
			holds.capture(ctx.database, flow, held.authorizationId, T + TTL + 1)
		);
		expect(error).toMatchObject({
			code: 'CONFLICT',
			message: 'Cannot capture this authorization: its hold expired; authorize the purchase again.'
		});
		const voidError = await refusal(
			holds.voidHold(ctx.database, flow, held.authorizationId, T + TTL + 2)
		);
		expect(voidError).toMatchObject({ code: 'CONFLICT' });
		expect(voidError.message).toContain('its hold expired');
		const row = await db()
			.selectFrom('authorizations')
			.select(['status', 'settled_at'])
			.where('id', '=', held.authorizationId)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ status: 'expired', settled_at: T + TTL + 1 });
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 0 });

		expect(await authorize(gift(account, 60), T + TTL + 3)).toMatchObject({
			decision: 'approved'
		});
		expect(await balance(account)).toBe(COINS);
		await expectTotalsConsistent(account);
	});

	it('sweeps due holds and approval requests across accounts, and nothing early', async () => {
		// Earlier than every other test here, so that the sweep sees only these holds.
		const S = at('2025-06-02T12:00:00Z');
		const first = await newAccount();
		const second = await newAccount('Asia/Tokyo');
		await setLimit(second, { amount: 50, action: 'approval' });
		const a = await authorize(gift(first, 10), S);
		const b = await authorize(gift(first, 20), S + 1000);
		const c = await authorize(gift(second, 30), S);
		const d = await authorize(gift(second, 70), S); // over 50 in all: waits for a guardian
		expect(d.decision).toBe('pending_approval');

		expect(await holds.sweep(ctx.database, S + TTL - 1)).toBe(0);
		expect(await holds.sweep(ctx.database, S + TTL)).toBe(2); // a and c
		expect(await holds.sweep(ctx.database, S + TTL)).toBe(0);
		expect(await holds.sweep(ctx.database, S + TTL + 1000)).toBe(1); // b
		expect(await holds.sweep(ctx.database, S + APPROVAL_TTL)).toBe(1); // d

		const statusOf = async (x: { authorizationId: string }) =>
			(
				await db()
					.selectFrom('authorizations')
					.select('status')
					.where('id', '=', x.authorizationId)
					.executeTakeFirstOrThrow()
			).status;
		expect(await Promise.all([a, b, c].map(statusOf))).toEqual(['expired', 'expired', 'expired']);
		// An unanswered request ends declined (approval_expired), as the contract says.
		expect(await statusOf(d)).toBe('declined');
		const request = await db()
			.selectFrom('approval_requests')
			.select(['status', 'decided_at'])
			.where('id', '=', d.approvalId!)
			.executeTakeFirstOrThrow();
		expect(request).toEqual({ status: 'expired', decided_at: S + APPROVAL_TTL });
		for (const account of [first, second]) {
			expect(await totals.stored(db(), account)).toEqual([]); // nothing held, nothing captured
			await expectTotalsConsistent(account);
		}
	});

	// Ledger and balance

	it('writes a ledger entry on capture: +coins for a recharge, -coins for a gift', async () => {
		const account = await newAccount('UTC', 'EUR', 0);
		const bought = await authorize(
			recharge(account, 500, { amount: 499, currency: 'eur' }, { paymentMethod: 'card' }),
			T
		);
		await holds.capture(ctx.database, flow, bought.authorizationId, T + 1000);
		expect(await balance(account)).toBe(500);
		const given = await authorize(gift(account, 120, { creatorId: 'c-bob' }), T + 2000);
		await holds.capture(ctx.database, flow, given.authorizationId, T + 3000);
		expect(await balance(account)).toBe(380);
		const dropped = await authorize(gift(account, 50), T + 4000);
		await holds.voidHold(ctx.database, flow, dropped.authorizationId, T + 5000);
		expect(await balance(account)).toBe(380);

		const entries = await db()
			.selectFrom('ledger_entries')
			.select([
				'kind',
				'coins',
				'price_amount',
				'currency',
				'creator_id',
				'payment_method',
				'authorization_id',
				'occurred_at'
			])
			.where('account_id', '=', account)
			.orderBy('occurred_at')
			.execute();
		expect(entries).toEqual([
			{
				kind: 'recharge',
				coins: 500,
				price_amount: 499,
				currency: 'EUR',
				creator_id: null,
				payment_method: 'card',
				authorization_id: bought.authorizationId,
				occurred_at: T
			},
			{
				kind: 'gift',
				coins: -120,
				price_amount: null,
				currency: null,
				creator_id: 'c-bob',
				payment_method: null,
				authorization_id: given.authorizationId,
				occurred_at: T + 2000
			}
		]);
		expect(await total(account, 'day:2026-11-18', 'money:EUR', 'recharge')).toEqual({
			captured: 499,
			held: 0
		});
		expect(await total(account, 'month:2026-11', 'creator:c-bob')).toEqual({
			captured: 120,
			held: 0
		});
		await expectTotalsConsistent(account);
	});

	it('keeps the running totals equal to a recomputation after any sequence of calls', async () => {
		type Step =
			| { op: 'gift'; coins: number; creator: string; after: number }
			| { op: 'recharge'; coins: number; amount: number; currency: string; after: number }
			| { op: 'capture' | 'void'; pick: number; after: number };
		const after = fc.integer({ min: 0, max: 8 * HOUR });
		const step: fc.Arbitrary<Step> = fc.oneof(
			fc.record({
				op: fc.constant('gift' as const),
				coins: fc.integer({ min: 1, max: 150 }),
				creator: fc.constantFrom('c-ada', 'c-bob'),
				after
			}),
			fc.record({
				op: fc.constant('recharge' as const),
				coins: fc.integer({ min: 1, max: 1000 }),
				amount: fc.integer({ min: 0, max: 3000 }),
				currency: fc.constantFrom('USD', 'USD', 'EUR'),
				after
			}),
			fc.record({
				op: fc.constantFrom('capture' as const, 'void' as const),
				pick: fc.nat(),
				after: fc.integer({ min: 0, max: TTL * 2 })
			})
		);
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 30 }), async (steps) => {
				// Few coins to start with, so that gifts also run short of the balance.
				const account = await newAccount('America/New_York', 'USD', 200);
				await setLimit(account, { amount: 300 });
				await setLimit(account, { period: 'week', amount: 700, action: 'approval' });
				await setLimit(account, { period: 'week', amount: 90, creatorId: 'c-bob', action: 'warn' });
				await setLimit(account, {
					appliesTo: 'recharge',
					metric: 'money',
					currency: 'USD',
					amount: 5000
				});
				const ids: string[] = [];
				let now = at('2026-11-20T20:00:00Z'); // Friday afternoon in New York
				for (const s of steps) {
					now += s.after;
					if (s.op === 'gift') {
						const answer = await authorize(gift(account, s.coins, { creatorId: s.creator }), now);
						ids.push(answer.authorizationId);
					} else if (s.op === 'recharge') {
						const input = recharge(account, s.coins, { amount: s.amount, currency: s.currency });
						ids.push((await authorize(input, now)).authorizationId);
					} else if (ids.length > 0) {
						const settle = s.op === 'capture' ? holds.capture : holds.voidHold;
						await settle(ctx.database, flow, ids[s.pick % ids.length]!, now).catch(
							(error: unknown) => {
								if (!(error instanceof holds.PurchaseError) || error.code !== 'CONFLICT')
									throw error;
							}
						);
					}
					const stored = await totals.stored(db(), account);
					expect(stored).toEqual(await totals.recompute(db(), account));
					// Gifts on hold are counted as held, and never take more than the balance.
					const onHold = await giftsOnHold(account);
					expect(onHold).toBe(await totals.recomputeGiftsOnHold(db(), account));
					expect(await balance(account)).toBeGreaterThanOrEqual(onHold);
					// Captured plus held (approvals waiting included) never passes a block limit.
					for (const row of stored) {
						if (row.kind === 'gift' && row.scope === 'coins' && row.period_key.startsWith('day:'))
							expect(row.captured + row.held).toBeLessThanOrEqual(300);
						if (row.scope === 'money:USD' && row.period_key.startsWith('day:'))
							expect(row.captured + row.held).toBeLessThanOrEqual(5000);
					}
				}
			}),
			{ numRuns: 6 }
		);
	});

	// Limits

	it('never lets approved plus held pass a block limit, even under concurrency', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 100 });
		const answers = await Promise.all(
			Array.from({ length: 20 }, () => authorize(gift(account, 30), T))
		);
		expect(answers.filter((a) => a.decision === 'approved')).toHaveLength(3);
		const declined = answers.filter((a) => a.decision === 'declined');
		expect(declined).toHaveLength(17);
		for (const answer of declined) {
			expect(answer.reasons).toEqual([
				{
					code: 'daily_limit',
					message:
						'This would take the coins given in gifts today to 120 coins, over the limit of 100 coins, so it is declined. It resets on Thu, 19 Nov 2026, 00:00 (UTC).',
					resetsAt: '2026-11-19T00:00:00.000Z',
					limit: facts({ used: 90, requested: 30 })
				}
			]);
		}
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 90 });
		await expectTotalsConsistent(account);
	});

	it('never lets concurrent gifts spend more coins than the balance', async () => {
		const account = await newAccount('UTC', 'USD', 65);
		const answers = await Promise.all(
			Array.from({ length: 10 }, () => authorize(gift(account, 30), T))
		);
		const approved = answers.filter((a) => a.decision === 'approved');
		expect(approved).toHaveLength(2);
		const declined = answers.filter((a) => a.decision === 'declined');
		expect(declined).toHaveLength(8);
		for (const answer of declined) {
			expect(answer.reasons).toEqual([
				{
					code: 'insufficient_balance',
					message:
						'This gift needs 30 coins and 5 are available (65 in the balance, 60 on hold for other gifts).',
					coins: { needed: 30, available: 5, balance: 65, onHold: 60 }
				}
			]);
		}
		expect(await giftsOnHold(account)).toBe(60);
		for (const { authorizationId } of approved) {
			await holds.capture(ctx.database, flow, authorizationId, T + 1);
		}
		expect(await balance(account)).toBe(5);
		expect(await giftsOnHold(account)).toBe(0);
		await expectTotalsConsistent(account);
	});

	it('counts a gift waiting for a guardian as on hold, and frees its coins when it ends', async () => {
		const account = await newAccount('UTC', 'USD', 65);
		await setLimit(account, { period: 'purchase', amount: 40, action: 'approval' });
		const waiting = await authorize(gift(account, 50), T);
		expect(waiting.decision).toBe('pending_approval');
		const short = await authorize(gift(account, 20), T + 1);
		expect(short).toMatchObject({
			decision: 'declined',
			reasons: [{ code: 'insufficient_balance', coins: { available: 15, onHold: 50 } }]
		});
		expect(await authorize(gift(account, 15), T + 2)).toMatchObject({ decision: 'approved' });
		await holds.voidHold(ctx.database, flow, waiting.authorizationId, T + 3);
		expect(await authorize(gift(account, 20), T + 4)).toMatchObject({ decision: 'approved' });
		// An expired hold gives its coins back too.
		expect(await authorize(gift(account, 30), T + 5)).toMatchObject({ decision: 'approved' });
		expect(await authorize(gift(account, 1), T + 6)).toMatchObject({ decision: 'declined' });
		expect(await authorize(gift(account, 30), T + 5 + TTL)).toMatchObject({
			decision: 'approved'
		});
		await expectTotalsConsistent(account);
	});

	it('asks a guardian above an approval limit, and counts the request as held until voided', async () => {
		const account = await newAccount();
		await setLimit(account, { amount: 100, action: 'approval' });
		await setLimit(account, { amount: 200, action: 'block' });
		const pending = await authorize(gift(account, 150), T);
		expect(pending).toEqual({
			authorizationId: pending.authorizationId,
			decision: 'pending_approval',
			reasons: [
				{
					code: 'daily_limit',
					message:
						'This would take the coins given in gifts today to 150 coins, over the limit of 100 coins, so a guardian must approve it. It resets on Thu, 19 Nov 2026, 00:00 (UTC).',
					resetsAt: '2026-11-19T00:00:00.000Z',
					limit: facts({ action: 'approval', requested: 150 })
				}
			],
			expiresAt: iso(T + APPROVAL_TTL),
			approvalId: expect.stringMatching(/^appr/)
		});
		const request = await db()
			.selectFrom('approval_requests')
			.selectAll()
			.where('id', '=', pending.approvalId!)
			.executeTakeFirstOrThrow();
		expect(request).toMatchObject({
			authorization_id: pending.authorizationId,
			account_id: account,
			status: 'pending',
			expires_at: T + APPROVAL_TTL
		});
		expect(await holds.get(ctx.database, flow, pending.authorizationId, T + 1)).toMatchObject({
			status: 'pending_approval',
			decision: 'pending_approval',
			expiresAt: iso(T + APPROVAL_TTL)
		});

		// Held: 150 waiting + 60 would pass the block limit of 200.
		expect(await total(account, 'day:2026-11-18')).toEqual({ captured: 0, held: 150 });
		const blocked = await authorize(gift(account, 60), T + 1000);
		expect(blocked.decision).toBe('declined');
		expect(blocked.reasons.map((r) => r.code)).toEqual(['daily_limit', 'daily_limit']);

		await holds.voidHold(ctx.database, flow, pending.authorizationId, T + 2000);
		const withdrawn = await db()
			.selectFrom('approval_requests')
			.select('status')
			.where('id', '=', pending.approvalId!)
			.executeTakeFirstOrThrow();
		expect(withdrawn.status).toBe('withdrawn');
		expect(await authorize(gift(account, 60), T + 3000)).toMatchObject({
			decision: 'approved',
			reasons: []
		});
		await expectTotalsConsistent(account);
	});

	it('expires due holds as the next authorization starts, so their limit and coins are free again', async () => {
		const account = await newAccount('UTC', 'USD', 100);
		await setLimit(account, { amount: 100 });
		const held = await authorize(gift(account, 80), T);
		expect(held.decision).toBe('approved');
		// Nothing reads the hold before it is due: the next purchase finds it due and expires it
		// first, so neither the daily limit nor the coins on hold stand in its way.
		expect(await authorize(gift(account, 80), T + TTL)).toMatchObject({ decision: 'approved' });
		const first = await db()
			.selectFrom('authorizations')
			.select('status')
			.where('id', '=', held.authorizationId)
			.executeTakeFirstOrThrow();
		expect(first.status).toBe('expired');
		expect(await giftsOnHold(account)).toBe(80);
		// One second earlier it would still have counted.
		const other = await newAccount('UTC', 'USD', 100);
		await setLimit(other, { amount: 100 });
		await authorize(gift(other, 80), T);
		expect(await authorize(gift(other, 80), T + TTL - 1)).toMatchObject({ decision: 'declined' });
	});

	it('declines an unanswered approval request after a day (approval_expired), and stops counting it', async () => {
		const account = await newAccount();
		await setLimit(account, { period: 'week', amount: 100, action: 'approval' });
		await setLimit(account, { period: 'week', amount: 200, action: 'block' });
		const pending = await authorize(gift(account, 150), T);
		expect(await authorize(gift(account, 100), T + 1000)).toMatchObject({ decision: 'declined' });
		expect(await holds.get(ctx.database, flow, pending.authorizationId, T + APPROVAL_TTL)).toEqual({
			authorizationId: pending.authorizationId,
			status: 'declined',
			decision: 'declined',
			reasons: [
				{
					code: 'approval_expired',
					message: 'No guardian answered in time, so the request expired. Ask again to buy it.'
				}
			],
			expiresAt: null
		});
		// The next authorization in the account expires it for good before deciding.
		expect(await authorize(gift(account, 100), T + APPROVAL_TTL + 1)).toMatchObject({
			decision: 'approved'
		});
		const request = await db()
			.selectFrom('approval_requests')
			.select('status')
			.where('id', '=', pending.approvalId!)
			.executeTakeFirstOrThrow();
		expect(request.status).toBe('expired');
		const error = await refusal(
			holds.voidHold(ctx.database, flow, pending.authorizationId, T + APPROVAL_TTL + 2)
		);
		expect(error.code).toBe('CONFLICT');
		await expectTotalsConsistent(account);
	});

	it('checks money limits in the account currency and treats another currency as over', async () => {
		const account = await newAccount('Europe/Paris', 'EUR');
		await setLimit(account, {
			appliesTo: 'recharge',
			metric: 'money',
			currency: 'EUR',
			amount: 1000
		});
		const first = await authorize(recharge(account, 100, { amount: 600, currency: 'EUR' }), T);
		expect(first.decision).toBe('approved');
		await holds.capture(ctx.database, flow, first.authorizationId, T + 1);

		const over = await authorize(recharge(account, 100, { amount: 600, currency: 'EUR' }), T + 2);
		expect(over).toMatchObject({ decision: 'declined' });
		expect(over.reasons).toEqual([
			{
				code: 'daily_limit',
				message:
					'This would take the money spent on coins today to €12.00, over the limit of €10.00, so it is declined. It resets on Thu, 19 Nov 2026, 00:00 (Europe/Paris).',
				resetsAt: '2026-11-18T23:00:00.000Z',
				limit: facts({
					appliesTo: 'recharge',
					metric: 'money',
					currency: 'EUR',
					amount: 1000,
					used: 600,
					requested: 600,
					timeZone: 'Europe/Paris'
				})
			}
		]);
		const dollars = await authorize(recharge(account, 10, { amount: 1, currency: 'USD' }), T + 3);
		expect(dollars.decision).toBe('declined');
		expect(dollars.reasons[0]!.message).toMatch(
			/^This limit is in EUR and the price is in USD; Coinguard cannot convert between them/
		);
		expect(
			await authorize(recharge(account, 100, { amount: 400, currency: 'EUR' }), T + 4)
		).toMatchObject({ decision: 'approved' });
		// Gifts are not money: the recharge limit does not apply to them.
		expect(await authorize(gift(account, 5000), T + 5)).toMatchObject({ decision: 'approved' });
		await expectTotalsConsistent(account);
	});

	it('limits gifts to one creator, and blocks a creator outright', async () => {
		const account = await newAccount('America/New_York');
		await setLimit(account, { period: 'week', amount: 100, creatorId: 'c-ada' });
		await setLimit(account, { period: 'day', amount: 0, creatorId: 'c-mallory' });
		const first = await authorize(gift(account, 80, { creatorId: 'c-ada' }), T);
		await holds.capture(ctx.database, flow, first.authorizationId, T + 1);

		const over = await authorize(gift(account, 30, { creatorId: 'c-ada' }), T + 2);
		expect(over.decision).toBe('declined');
		expect(over.reasons).toEqual([
			{
				code: 'creator_limit',
				message:
					'This would take the coins given in gifts to this creator this week to 110 coins, over the limit of 100 coins, so it is declined. It resets on Mon, 23 Nov 2026, 00:00 (America/New_York).',
				resetsAt: '2026-11-23T05:00:00.000Z',
				limit: facts({
					period: 'week',
					creatorId: 'c-ada',
					used: 80,
					requested: 30,
					timeZone: 'America/New_York'
				})
			}
		]);
		expect(await authorize(gift(account, 30, { creatorId: 'c-bob' }), T + 3)).toMatchObject({
			decision: 'approved'
		});
		const blocked = await authorize(gift(account, 1, { creatorId: 'c-mallory' }), T + 4);
		expect(blocked).toMatchObject({
			decision: 'declined',
			reasons: [{ code: 'creator_blocked', message: 'Gifts to this creator are blocked.' }]
		});
		expect(blocked.reasons[0]!.resetsAt).toBeUndefined();
		await expectTotalsConsistent(account);
	});

	// Periods in the account's time zone

	/** Authorizes and captures at once, so that the amount stays counted after the hold TTL. */
	async function spend(accountId: string, coins: number, now: number) {
		const answer = await authorize(gift(accountId, coins), now);
		expect(answer.decision).toBe('approved');
		await holds.capture(ctx.database, flow, answer.authorizationId, now);
	}

	it('fills a daily limit at 23:59:59 local time and allows again at 00:00:00 (New York)', async () => {
		const account = await newAccount('America/New_York');
		await setLimit(account, { amount: 100 });
		const lastSecond = at('2026-03-03T04:59:59Z'); // Mon 2 March, 23:59:59 EST
		await spend(account, 40, at('2026-03-02T05:00:00Z')); // 00:00:00 the same day
		await spend(account, 60, lastSecond);
		const refused = await authorize(gift(account, 1), lastSecond + 999);
		expect(refused.decision).toBe('declined');
		expect(refused.reasons[0]).toMatchObject({
			code: 'daily_limit',
			resetsAt: '2026-03-03T05:00:00.000Z'
		});
		expect(refused.reasons[0]!.message).toContain(
			'It resets on Tue, 3 Mar 2026, 00:00 (America/New_York).'
		);
		expect(await authorize(gift(account, 100), at('2026-03-03T05:00:00Z'))).toMatchObject({
			decision: 'approved'
		});
		expect(await total(account, 'day:2026-03-02')).toEqual({ captured: 100, held: 0 });
		expect(await total(account, 'day:2026-03-03')).toEqual({ captured: 0, held: 100 });
		await expectTotalsConsistent(account);
	});

	it('ends the 23-hour day of the spring DST change at local midnight (Berlin, 29 March)', async () => {
		const account = await newAccount('Europe/Berlin');
		await setLimit(account, { amount: 100 });
		await spend(account, 30, at('2026-03-28T22:59:59Z')); // 28 March, 23:59:59 CET: the day before
		await spend(account, 40, at('2026-03-28T23:00:00Z')); // 29 March, 00:00 CET
		await spend(account, 60, at('2026-03-29T21:59:59Z')); // 29 March, 23:59:59 CEST
		const refused = await authorize(gift(account, 1), at('2026-03-29T21:59:59.500Z'));
		expect(refused.reasons).toEqual([
			{
				code: 'daily_limit',
				message:
					'This would take the coins given in gifts today to 101 coins, over the limit of 100 coins, so it is declined. It resets on Mon, 30 Mar 2026, 00:00 (Europe/Berlin).',
				resetsAt: '2026-03-29T22:00:00.000Z',
				limit: facts({ used: 100, requested: 1, timeZone: 'Europe/Berlin' })
			}
		]);
		expect(await authorize(gift(account, 100), at('2026-03-29T22:00:00Z'))).toMatchObject({
			decision: 'approved'
		});
		expect(await total(account, 'day:2026-03-28')).toEqual({ captured: 30, held: 0 });
		expect(await total(account, 'day:2026-03-29')).toEqual({ captured: 100, held: 0 });
		await expectTotalsConsistent(account);
	});

	it('ends the 25-hour day of the autumn DST change at local midnight (Berlin, 25 October)', async () => {
		const account = await newAccount('Europe/Berlin');
		await setLimit(account, { amount: 100 });
		await spend(account, 100, at('2026-10-24T22:00:00Z')); // 25 October, 00:00 CEST
		// 23:30 CET is 24.5 hours into the day: a day of 24 hours would already have ended.
		const refused = await authorize(gift(account, 1), at('2026-10-25T22:30:00Z'));
		expect(refused.reasons[0]).toMatchObject({
			code: 'daily_limit',
			resetsAt: '2026-10-25T23:00:00.000Z'
		});
		expect(refused.reasons[0]!.message).toContain(
			'It resets on Mon, 26 Oct 2026, 00:00 (Europe/Berlin).'
		);
		expect(await authorize(gift(account, 1), at('2026-10-25T22:59:59.999Z'))).toMatchObject({
			decision: 'declined'
		});
		expect(await authorize(gift(account, 100), at('2026-10-25T23:00:00Z'))).toMatchObject({
			decision: 'approved'
		});
		await expectTotalsConsistent(account);
	});

	it('resets weekly limits on Monday at 00:00 local time', async () => {
		const account = await newAccount('America/New_York');
		await setLimit(account, { period: 'week', amount: 100 });
		await spend(account, 50, at('2026-11-16T05:00:00Z')); // Mon 16 Nov, 00:00 EST
		await spend(account, 50, at('2026-11-23T04:59:59Z')); // Sun 22 Nov, 23:59:59 EST
		const refused = await authorize(gift(account, 1), at('2026-11-23T04:59:59.500Z'));
		expect(refused.reasons).toEqual([
			{
				code: 'weekly_limit',
				message:
					'This would take the coins given in gifts this week to 101 coins, over the limit of 100 coins, so it is declined. It resets on Mon, 23 Nov 2026, 00:00 (America/New_York).',
				resetsAt: '2026-11-23T05:00:00.000Z',
				limit: facts({ period: 'week', used: 100, requested: 1, timeZone: 'America/New_York' })
			}
		]);
		expect(await authorize(gift(account, 100), at('2026-11-23T05:00:00Z'))).toMatchObject({
			decision: 'approved'
		});
		expect(await total(account, 'week:2026-W47')).toEqual({ captured: 100, held: 0 });
		expect(await total(account, 'week:2026-W48')).toEqual({ captured: 0, held: 100 });
		await expectTotalsConsistent(account);
	});

	// API key scoping

	it("keeps each key's authorizations to itself", async () => {
		const account = await newAccount();
		const other = await newKey();
		const { authorizationId } = await authorize(gift(account, 10), T);
		for (const call of [holds.get, holds.capture, holds.voidHold]) {
			const error = await refusal(call(ctx.database, other, authorizationId, T + 1));
			expect(error).toMatchObject({
				code: 'NOT_FOUND',
				message: 'No authorization with that authorizationId.'
			});
		}
		expect(await holds.get(ctx.database, flow, authorizationId, T + 2)).toMatchObject({
			status: 'held'
		});
	});

	it('answers NOT_FOUND for an unknown account and writes nothing', async () => {
		const before = await db()
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		const error = await refusal(authorize(gift('acct_nobody', 10), T));
		expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No account with that accountId.' });
		const after = await db()
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});

	// Creators

	async function creatorRows(ids: string[]) {
		return db()
			.selectFrom('creators')
			.select(['id', 'created_by_api_key_id'])
			.where('id', 'in', ids)
			.execute();
	}

	it('applies a per-creator limit to every spelling of the creator, by id or handle', async () => {
		const id = unique('cr_luna').toLowerCase();
		const handle = unique('lunabeats');
		await db()
			.insertInto('creators')
			.values({
				id,
				handle,
				display_name: 'Luna Beats',
				first_seen_at: T,
				created_by_api_key_id: null
			})
			.execute();
		const account = await newAccount();
		// Set by handle, in another case, as a person types it.
		const limit = await setLimit(account, { creatorId: `@${handle.toUpperCase()}`, amount: 100 });
		expect(limit.creator_id).toBe(id);

		const spellings = [
			id,
			` ${id.toUpperCase()} `,
			`@${handle}`,
			handle.toUpperCase(),
			`@${handle.toUpperCase()}`
		];
		const answers = [];
		for (const creatorId of spellings) {
			answers.push(await authorize(gift(account, 30, { creatorId }), T));
		}
		expect(answers.map((a) => a.decision)).toEqual([
			'approved',
			'approved',
			'approved',
			'declined',
			'declined'
		]);
		expect(answers[3]!.reasons.map((r) => r.code)).toEqual(['creator_limit']);
		const recorded = await db()
			.selectFrom('authorizations')
			.select('creator_id')
			.where('account_id', '=', account)
			.execute();
		expect(new Set(recorded.map((r) => r.creator_id))).toEqual(new Set([id]));
		expect(await total(account, 'day:2026-11-18', `creator:${id}`)).toEqual({
			captured: 0,
			held: 90
		});
		await expectTotalsConsistent(account);
	});

	it('records an unknown creator once, whatever the case or a leading @', async () => {
		const name = unique('NewFace');
		const account = await newAccount();
		await setLimit(account, { creatorId: name, amount: 50 });
		for (const creatorId of [name, ` ${name.toLowerCase()}`, `@${name.toUpperCase()}`]) {
			await authorize(gift(account, 20, { creatorId }), T);
		}
		const folded = name.toLowerCase();
		expect(await creatorRows([name, folded, `@${folded}`])).toEqual([
			{ id: folded, created_by_api_key_id: flow.id }
		]);
		// 20 + 20 fit the limit of 50; the third spelling is the same creator, so it does not.
		expect(await total(account, 'day:2026-11-18', `creator:${folded}`)).toEqual({
			captured: 0,
			held: 40
		});
	});

	it(`caps the unknown creators one key may record at ${creators.NEW_PER_KEY_PER_HOUR} an hour`, async () => {
		const key = await newKey();
		const account = await newAccount('UTC', 'USD', 1_000_000);
		const prefix = unique('cap').toLowerCase();
		for (let i = 0; i < creators.NEW_PER_KEY_PER_HOUR; i++) {
			await authorize(gift(account, 1, { creatorId: `${prefix}-${i}` }), T + i, key);
		}
		const before = await authorizationCount(account);
		const error = await refusal(
			authorize(gift(account, 1, { creatorId: `${prefix}-over` }), T + 1000, key)
		);
		expect(error).toMatchObject({
			code: 'TOO_MANY_REQUESTS',
			message: expect.stringMatching(
				/^creatorId: this API key has recorded 100 new creators in the last hour/
			)
		});
		expect(await authorizationCount(account)).toBe(before);
		expect(await creatorRows([`${prefix}-over`])).toEqual([]);

		// Known creators, another key, and the next hour are not held back.
		expect(
			await authorize(gift(account, 1, { creatorId: `${prefix}-7` }), T + 1001, key)
		).toMatchObject({
			decision: 'approved'
		});
		expect(
			await authorize(gift(account, 1, { creatorId: `${prefix}-other` }), T + 1002, await newKey())
		).toMatchObject({ decision: 'approved' });
		expect(
			await authorize(gift(account, 1, { creatorId: `${prefix}-later` }), T + HOUR, key)
		).toMatchObject({ decision: 'approved' });
	});
});
