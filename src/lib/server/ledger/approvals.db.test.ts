import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { AUTHORIZATION_STATUSES, authorizeInput } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as limits from '../policy/limits';
import * as approvals from './approvals';
import * as holds from './holds';
import * as states from './states';
import * as totals from './totals';
import { APPROVAL_TTL } from './ttl';

const T = Date.parse('2026-11-18T15:00:00Z');
const iso = (millis: number) => new Date(millis).toISOString();
const TTL = holds.holdTtl();
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

describeEachDatabase('approval answers', (ctx) => {
	let flow: ApiKeySummary;
	let dana: string;
	let sam: string;
	const db = () => ctx.database.db;

	async function newAccount(displayName: string, coins = 1000): Promise<string> {
		const account = await accounts.create(db(), {
			email: `${unique('member')}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD'
		});
		await db()
			.updateTable('accounts')
			.set({ coin_balance: coins })
			.where('id', '=', account.id)
			.execute();
		return account.id;
	}

	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('flow'));
		flow = (await apiKeys.authenticate(db(), key))!;
		[dana, sam] = await Promise.all([newAccount('Dana'), newAccount('Sam')]);
	});

	/** A minor's account whose gifts above 50 coins a day wait for a guardian. */
	async function minor(): Promise<string> {
		const id = await newAccount('Mia');
		await limits.add(
			db(),
			id,
			{
				appliesTo: 'gift',
				metric: 'coins',
				period: 'day',
				amount: 50,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: dana },
			T - 1000
		);
		return id;
	}

	const gift = (accountId: string, coins: number) =>
		authorizeInput.parse({
			idempotencyKey: unique('idem'),
			accountId,
			kind: 'gift',
			coins,
			creatorId: 'c-ada'
		});

	async function waiting(coins = 80) {
		const account = await minor();
		const answer = await holds.authorize(ctx.database, flow, gift(account, coins), T);
		expect(answer.decision).toBe('pending_approval');
		return { account, authorizationId: answer.authorizationId, approvalId: answer.approvalId! };
	}

	async function refusal(promise: Promise<unknown>): Promise<holds.PurchaseError> {
		const error = await promise.then(
			() => new Error('expected a refusal, got an answer'),
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(holds.PurchaseError);
		return error as holds.PurchaseError;
	}

	async function expectTotalsConsistent(accountId: string) {
		expect(await totals.stored(db(), accountId)).toEqual(await totals.recompute(db(), accountId));
		const account = await accounts.get(db(), accountId);
		expect(account!.gift_coins_on_hold).toBe(await totals.recomputeGiftsOnHold(db(), accountId));
	}

	async function held(accountId: string): Promise<number> {
		const rows = await totals.stored(db(), accountId);
		return rows.find((r) => r.period_key === 'day:2026-11-18' && r.scope === 'coins')?.held ?? 0;
	}

	function request(approvalId: string) {
		return db()
			.selectFrom('approval_requests')
			.select(['status', 'decided_by', 'decided_at', 'note'])
			.where('id', '=', approvalId)
			.executeTakeFirstOrThrow();
	}

	it('approves: the hold stays, approved, with a fresh expiry, and can be captured', async () => {
		const { account, authorizationId, approvalId } = await waiting(80);
		const at = T + 3_600_000;
		expect(await approvals.approve(ctx.database, approvalId, dana, at, 'ok, once')).toEqual({
			approvalId,
			status: 'approved',
			decidedBy: dana,
			decidedAt: iso(at)
		});
		expect(await request(approvalId)).toEqual({
			status: 'approved',
			decided_by: dana,
			decided_at: at,
			note: 'ok, once'
		});
		const view = await holds.get(ctx.database, flow, authorizationId, at + 1);
		expect(view).toMatchObject({ status: 'held', decision: 'approved', expiresAt: iso(at + TTL) });
		expect(view.reasons.map((r) => r.code)).toEqual(['daily_limit']);
		expect(await held(account)).toBe(80);
		await expectTotalsConsistent(account);

		const captured = await holds.capture(ctx.database, flow, authorizationId, at + 2);
		expect(captured).toMatchObject({ status: 'captured', decision: 'approved' });
		expect((await accounts.get(db(), account))!.coin_balance).toBe(1000 - 80);
		await expectTotalsConsistent(account);
	});

	it('lets an approved hold expire after the hold time, from the approval on', async () => {
		const { account, authorizationId, approvalId } = await waiting();
		const at = T + 60_000;
		await approvals.approve(ctx.database, approvalId, dana, at);
		expect(await holds.get(ctx.database, flow, authorizationId, at + TTL - 1)).toMatchObject({
			status: 'held'
		});
		expect(await holds.sweep(ctx.database, at + TTL)).toBeGreaterThanOrEqual(1);
		expect(await holds.get(ctx.database, flow, authorizationId, at + TTL)).toMatchObject({
			status: 'expired',
			decision: 'approved',
			expiresAt: null
		});
		expect(await held(account)).toBe(0);
		await expectTotalsConsistent(account);
	});

	it('denies: declined with approval_denied, the hold released, capture refused', async () => {
		const { account, authorizationId, approvalId } = await waiting(80);
		expect((await accounts.get(db(), account))!.gift_coins_on_hold).toBe(80);
		const at = T + 1000;
		expect(await approvals.deny(ctx.database, approvalId, sam, at, 'not this one')).toEqual({
			approvalId,
			status: 'denied',
			decidedBy: sam,
			decidedAt: iso(at)
		});
		expect(await request(approvalId)).toEqual({
			status: 'denied',
			decided_by: sam,
			decided_at: at,
			note: 'not this one'
		});
		expect(await holds.get(ctx.database, flow, authorizationId, at + 1)).toEqual({
			authorizationId,
			status: 'declined',
			decision: 'declined',
			reasons: [{ code: 'approval_denied', message: 'A guardian declined this purchase.' }],
			expiresAt: null
		});
		expect(await held(account)).toBe(0);
		expect((await accounts.get(db(), account))!.gift_coins_on_hold).toBe(0);
		for (const settle of [holds.capture, holds.voidHold]) {
			const error = await refusal(settle(ctx.database, flow, authorizationId, at + 2));
			expect(error.code).toBe('CONFLICT');
			expect(error.message).toMatch(
				/^Cannot (capture|void) this authorization: it was declined\.$/
			);
		}
		await expectTotalsConsistent(account);
	});

	it('ends answers at the same instant in exactly one outcome, the others told who', async () => {
		for (let round = 0; round < 6; round++) {
			const { account, authorizationId, approvalId } = await waiting(60);
			const at = T + 5000;
			// Three answers at once from two guardians; rotate which starts first, so any can win.
			const calls = [
				() => approvals.approve(ctx.database, approvalId, dana, at),
				() => approvals.deny(ctx.database, approvalId, sam, at),
				() => approvals.approve(ctx.database, approvalId, sam, at)
			];
			const order = [...calls.slice(round % 3), ...calls.slice(0, round % 3)];
			const results = await Promise.allSettled(order.map((call) => call()));
			const won = results.filter((r) => r.status === 'fulfilled');
			const lost = results.filter((r) => r.status === 'rejected');
			expect(won).toHaveLength(1);
			expect(lost).toHaveLength(2);
			const winner = (won[0] as PromiseFulfilledResult<approvals.Decided>).value;
			const name = winner.decidedBy === dana ? 'Dana' : 'Sam';
			for (const loser of lost) {
				const error = (loser as PromiseRejectedResult).reason as holds.PurchaseError;
				expect(error).toBeInstanceOf(approvals.AlreadyDecided);
				expect(error.code).toBe('CONFLICT');
				expect(error.message).toMatch(
					new RegExp(`^Cannot (approve|deny) this request: ${name} already ${winner.status} it at `)
				);
			}

			expect((await request(approvalId)).status).toBe(winner.status);
			const view = await holds.get(ctx.database, flow, authorizationId, at + 1);
			if (winner.status === 'approved') {
				expect(view).toMatchObject({ status: 'held', decision: 'approved' });
				expect(await held(account)).toBe(60);
			} else {
				expect(view).toMatchObject({
					status: 'declined',
					reasons: [{ code: 'approval_denied' }]
				});
				expect(await held(account)).toBe(0);
			}
			await expectTotalsConsistent(account);
		}
	});

	it('refuses a second answer, naming who answered first', async () => {
		const { account, approvalId } = await waiting();
		await approvals.approve(ctx.database, approvalId, dana, T + 10);
		for (const again of [approvals.approve, approvals.deny]) {
			const error = await refusal(again(ctx.database, approvalId, sam, T + 20));
			expect(error).toMatchObject({ code: 'CONFLICT' });
			expect(error.message).toMatch(/Dana already approved it at 2026-11-18T15:00:00\.010Z\.$/);
		}
		expect(await request(approvalId)).toMatchObject({ status: 'approved', decided_by: dana });
		await expectTotalsConsistent(account);
	});

	it('refuses an answer after expiry; the purchase ends declined (approval_expired)', async () => {
		const { account, authorizationId, approvalId } = await waiting(70);
		const late = T + APPROVAL_TTL + 5000;
		const error = await refusal(approvals.approve(ctx.database, approvalId, dana, late));
		expect(error).toMatchObject({
			code: 'CONFLICT',
			message: `Cannot approve this request: it expired at ${iso(T + APPROVAL_TTL)} before anyone answered.`
		});
		// The expiry was written for good, though the answer was refused.
		expect(await request(approvalId)).toEqual({
			status: 'expired',
			decided_by: null,
			decided_at: late,
			note: null
		});
		expect(await holds.get(ctx.database, flow, authorizationId, late + 1)).toEqual({
			authorizationId,
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
		expect(await held(account)).toBe(0);
		await expectTotalsConsistent(account);
	});

	it('refuses an answer to a purchase the flow withdrew', async () => {
		const { account, authorizationId, approvalId } = await waiting();
		await holds.voidHold(ctx.database, flow, authorizationId, T + 100);
		const error = await refusal(approvals.deny(ctx.database, approvalId, dana, T + 200));
		expect(error.message).toBe(
			`Cannot deny this request: the purchase was withdrawn at ${iso(T + 100)}.`
		);
		expect(await holds.get(ctx.database, flow, authorizationId, T + 300)).toMatchObject({
			status: 'voided'
		});
		await expectTotalsConsistent(account);
	});

	it('answers NOT_FOUND for an unknown approvalId', async () => {
		for (const answer of [approvals.approve, approvals.deny]) {
			const error = await refusal(answer(ctx.database, 'appr_nothing', dana, T));
			expect(error).toMatchObject({
				code: 'NOT_FOUND',
				message: 'No approval request with that approvalId.'
			});
		}
	});

	// Every status × every operation, through the real functions: what the table allows
	// happens, and the rest is a CONFLICT that changes nothing.

	type Op = (typeof states.OPERATIONS)[number];

	/** An authorization brought to `status` by the ordinary operations. */
	async function inStatus(status: (typeof AUTHORIZATION_STATUSES)[number]) {
		if (status === 'declined') {
			const w = await waiting();
			await approvals.deny(ctx.database, w.approvalId, dana, T + 1);
			return w;
		}
		if (status === 'pending_approval') return waiting();
		const account = await minor();
		const answer = await holds.authorize(ctx.database, flow, gift(account, 10), T);
		const w = { account, authorizationId: answer.authorizationId, approvalId: null };
		if (status === 'captured') await holds.capture(ctx.database, flow, w.authorizationId, T + 1);
		if (status === 'voided') await holds.voidHold(ctx.database, flow, w.authorizationId, T + 1);
		if (status === 'expired') await holds.sweep(ctx.database, T + TTL);
		return w;
	}

	const AT = T + 10_000; // before every hold's and request's expiry
	async function run(op: Op, w: { authorizationId: string; approvalId: string | null }) {
		switch (op) {
			case 'capture':
				return holds.capture(ctx.database, flow, w.authorizationId, AT);
			case 'void':
				return holds.voidHold(ctx.database, flow, w.authorizationId, AT);
			case 'approve':
				return approvals.approve(ctx.database, w.approvalId ?? 'appr_none', sam, AT);
			case 'deny':
				return approvals.deny(ctx.database, w.approvalId ?? 'appr_none', sam, AT);
			case 'expire':
				return holds.sweep(ctx.database, T + APPROVAL_TTL + TTL);
		}
	}

	it('follows the table for every status and operation', async () => {
		for (const status of AUTHORIZATION_STATUSES) {
			for (const op of states.OPERATIONS) {
				const w = await inStatus(status);
				const before = await holds.get(ctx.database, flow, w.authorizationId, AT);
				expect(before.status, `${status} before ${op}`).toBe(status);
				const move = states.transition(status, op);
				const outcome = await Promise.resolve(run(op, w)).then(
					() => null,
					(e: unknown) => e as holds.PurchaseError
				);
				const after = await holds.get(ctx.database, flow, w.authorizationId, AT);
				const label = `${status} × ${op}`;
				if (move) {
					expect(outcome, label).toBeNull();
					expect(after.status, label).toBe(move.to);
				} else if (states.isRepeat(status, op)) {
					expect(outcome, label).toBeNull();
					expect(after, label).toEqual(before);
				} else if (op === 'expire') {
					expect(after, label).toEqual(before); // the sweep leaves it alone
				} else {
					// An answer where there is no request is not found; everything else conflicts.
					const code = w.approvalId === null && op !== 'capture' && op !== 'void';
					expect(outcome?.code, label).toBe(code ? 'NOT_FOUND' : 'CONFLICT');
					expect(after, label).toEqual(before);
				}
				await expectTotalsConsistent(w.account);
			}
		}
	});
});
