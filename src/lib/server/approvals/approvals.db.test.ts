import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput } from '$lib/schemas/purchase';
import * as access from '../access';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as family from '../family';
import * as answers from '../ledger/approvals';
import * as holds from '../ledger/holds';
import * as totals from '../ledger/totals';
import { APPROVAL_TTL } from '../ledger/ttl';
import * as limits from '../policy/limits';
import type { NewLimit } from '../policy/limits';
import * as approvals from '.';

const T = Date.parse('2026-11-18T15:00:00Z');
const iso = (millis: number) => new Date(millis).toISOString();
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

describeEachDatabase('guardians answer approval requests', (ctx) => {
	let flow: ApiKeySummary;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('flow'));
		flow = (await apiKeys.authenticate(db(), key))!;
	});
	afterEach(() => {
		delete process.env.APPROVAL_TTL_SECONDS;
	});

	async function person(displayName: string, isMinor = false, coins = 0) {
		const account = await accounts.create(db(), {
			email: `${unique('p')}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		if (coins) {
			await db()
				.updateTable('accounts')
				.set({ coin_balance: coins })
				.where('id', '=', account.id)
				.execute();
		}
		return account.id;
	}

	const actorOf = (id: string, isMinor = false) => access.userActor(db(), { id, isMinor });

	/** A guardian and a minor in one family; the minor's recharges over 100 coins wait. */
	async function household(name = 'Dana') {
		const guardian = await person(name);
		const minor = await person(`${name}'s kid`, true);
		const familyId = await family.link(db(), guardian, minor, T - 10_000);
		await limit(minor, guardian, { period: 'purchase', amount: 100, action: 'approval' });
		return { guardian, minor, familyId };
	}

	function limit(account: string, by: string, rule: Partial<NewLimit>) {
		return limits.add(
			db(),
			account,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: 500,
				currency: null,
				creatorId: null,
				action: 'block',
				...rule
			},
			{ role: 'guardian', accountId: by },
			T - 5000
		);
	}

	const recharge = (accountId: string, coins: number, at = T) =>
		holds.authorize(
			ctx.database,
			flow,
			authorizeInput.parse({
				idempotencyKey: unique('idem'),
				accountId,
				kind: 'recharge',
				coins,
				price: { amount: coins * 2, currency: 'USD' },
				channel: 'web',
				paymentMethod: 'card'
			}),
			at
		);

	async function refusal(promise: Promise<unknown>): Promise<holds.PurchaseError> {
		const error = await promise.then(
			() => new Error('expected a refusal, got an answer'),
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(holds.PurchaseError);
		return error as holds.PurchaseError;
	}

	const request = (approvalId: string) =>
		db()
			.selectFrom('approval_requests')
			.select(['status', 'decided_by', 'note'])
			.where('id', '=', approvalId)
			.executeTakeFirstOrThrow();

	it('re-checks the limits at approval: a cap used up meanwhile refuses it with the reason, and nothing moves', async () => {
		const { guardian, minor, familyId } = await household();
		await limit(minor, guardian, { amount: 500 });
		const asked = await recharge(minor, 300);
		expect(asked.decision).toBe('pending_approval');
		// Meanwhile the month's cap is used up by another purchase.
		expect((await recharge(minor, 100, T + 1000)).decision).toBe('approved');
		await limit(minor, guardian, { amount: 350 });
		const before = await totals.stored(db(), minor);

		const actor = await actorOf(guardian);
		const approvalId = asked.approvalId!;
		const error = await refusal(
			approvals.decide(ctx.database, actor, { approvalId, decision: 'approve' }, T + 2000)
		);
		expect(error).toBeInstanceOf(answers.NoLongerFits);
		expect(error.code).toBe('CONFLICT');
		expect((error as answers.NoLongerFits).reasons.map((r) => r.code)).toEqual(['monthly_limit']);
		expect(error.message).toMatch(/^Cannot approve this request: it no longer fits the limits\. /);
		// Still waiting: the guardian can deny it, or loosen the cap and approve.
		expect(await request(approvalId)).toEqual({ status: 'pending', decided_by: null, note: null });
		expect(await holds.get(ctx.database, flow, asked.authorizationId, T + 2001)).toMatchObject({
			status: 'pending_approval'
		});
		expect(await totals.stored(db(), minor)).toEqual(before);
		expect((await family.audit.list(db(), familyId)).map((e) => e.action)).not.toContain(
			'approval.approved'
		);

		const denied = await approvals.decide(
			ctx.database,
			actor,
			{ approvalId, decision: 'deny', note: 'over the cap' },
			T + 3000
		);
		expect(denied.status).toBe('denied');
		expect(await holds.get(ctx.database, flow, asked.authorizationId, T + 3001)).toMatchObject({
			status: 'declined',
			reasons: [{ code: 'approval_denied' }]
		});
	});

	it("approves what still fits: the request's own hold is not counted twice", async () => {
		const { guardian, minor } = await household();
		await limit(minor, guardian, { amount: 500 });
		const asked = await recharge(minor, 300);
		expect((await recharge(minor, 100, T + 1000)).decision).toBe('approved');
		// 100 + 300 = 400 fits 500; counting the 300 on hold twice would make it 700.
		const decided = await approvals.decide(
			ctx.database,
			await actorOf(guardian),
			{ approvalId: asked.approvalId!, decision: 'approve' },
			T + 2000
		);
		expect(decided).toEqual({
			approvalId: asked.approvalId,
			status: 'approved',
			decidedBy: guardian,
			decidedAt: iso(T + 2000)
		});
		expect(await holds.get(ctx.database, flow, asked.authorizationId, T + 2001)).toMatchObject({
			status: 'held',
			decision: 'approved'
		});
		expect(await totals.stored(db(), minor)).toEqual(await totals.recompute(db(), minor));
	});

	it('approves a gift whose own coins are on hold, and refuses one the balance no longer covers', async () => {
		const dana = await person('Dana');
		const mia = await person('Mia', false, 100);
		await limits.add(
			db(),
			mia,
			{
				appliesTo: 'gift',
				metric: 'coins',
				period: 'purchase',
				amount: 10,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: dana },
			T - 1000
		);
		const gift = (coins: number, at: number) =>
			holds.authorize(
				ctx.database,
				flow,
				authorizeInput.parse({
					idempotencyKey: unique('idem'),
					accountId: mia,
					kind: 'gift',
					coins,
					creatorId: 'c-ada'
				}),
				at
			);
		// 100 coins, 80 of them on hold for this gift: counting them twice would leave 20.
		const first = await gift(80, T);
		expect(first.decision).toBe('pending_approval');
		expect((await answers.approve(ctx.database, first.approvalId!, dana, T + 10)).status).toBe(
			'approved'
		);
		const second = await gift(15, T + 20);
		expect(second.decision).toBe('pending_approval');
		// Coins spent meanwhile: 90 left, 80 of them held, so 15 no longer fit.
		await db().updateTable('accounts').set({ coin_balance: 90 }).where('id', '=', mia).execute();
		const error = await refusal(answers.approve(ctx.database, second.approvalId!, dana, T + 30));
		expect((error as answers.NoLongerFits).reasons.map((r) => r.code)).toEqual([
			'insufficient_balance'
		]);
	});

	it('gives a new request APPROVAL_TTL_SECONDS, or the wait its family set (audited)', async () => {
		const { guardian, minor, familyId } = await household();
		expect((await recharge(minor, 200)).expiresAt).toBe(iso(T + APPROVAL_TTL));
		process.env.APPROVAL_TTL_SECONDS = '600';
		expect((await recharge(minor, 200)).expiresAt).toBe(iso(T + 600_000));

		const actor = await actorOf(guardian);
		expect(await family.setApprovalWait(db(), actor, '2', T + 1)).toEqual({ seconds: 7200 });
		const asked = await recharge(minor, 200);
		expect(asked.expiresAt).toBe(iso(T + 7_200_000));
		expect(
			await db()
				.selectFrom('approval_requests')
				.select('expires_at')
				.where('id', '=', asked.approvalId!)
				.executeTakeFirstOrThrow()
		).toEqual({ expires_at: T + 7_200_000 });
		const log = await family.audit.list(db(), familyId);
		expect(log[0]).toMatchObject({
			action: 'family.approval_wait_changed',
			actor_id: guardian,
			before: JSON.stringify({ approvalTtlSeconds: null }),
			after: JSON.stringify({ approvalTtlSeconds: 7200 })
		});

		// Cleared: back to the default.
		expect(await family.setApprovalWait(db(), actor, '', T + 2)).toEqual({ seconds: null });
		expect((await recharge(minor, 200)).expiresAt).toBe(iso(T + 600_000));
	});

	it('refuses a bad wait naming the field, and a minor or another family not-found; nothing changes', async () => {
		const { guardian, minor, familyId } = await household();
		const other = await household('Ben');
		const actor = await actorOf(guardian);
		const logBefore = await family.audit.list(db(), familyId);
		for (const bad of ['0', '169', '1.5', 'soon']) {
			await expect(family.setApprovalWait(db(), actor, bad)).rejects.toMatchObject({
				code: 'BAD_REQUEST',
				field: 'approvalWaitHours'
			});
		}
		await expect(
			family.setApprovalWait(db(), await actorOf(minor, true), '3')
		).rejects.toBeInstanceOf(access.NotFoundError);
		expect(await family.familyOf(db(), guardian)).toMatchObject({
			family: { approval_ttl_seconds: null }
		});
		expect(await family.audit.list(db(), familyId)).toEqual(logBefore);
		expect(await family.familyOf(db(), other.guardian)).toMatchObject({
			family: { approval_ttl_seconds: null }
		});
	});

	it('lets only a guardian of the family answer; decidedBy is the actor; each answer is audited', async () => {
		const a = await household('Ava');
		const b = await household('Ben');
		const asked = await recharge(a.minor, 200);
		const approvalId = asked.approvalId!;
		for (const outsider of [await actorOf(b.guardian), await actorOf(a.minor, true)]) {
			const error = await refusal(
				approvals.decide(ctx.database, outsider, { approvalId, decision: 'approve' }, T + 1)
			);
			expect(error).toMatchObject({
				code: 'NOT_FOUND',
				message: 'No approval request with that approvalId.'
			});
		}
		const unknown = await refusal(
			approvals.decide(
				ctx.database,
				await actorOf(a.guardian),
				{ approvalId: 'appr_nope', decision: 'deny' },
				T + 1
			)
		);
		expect(unknown.message).toBe('No approval request with that approvalId.');
		expect(await request(approvalId)).toMatchObject({ status: 'pending' });
		expect(await approvals.pending(db(), await actorOf(b.guardian), T + 1)).toEqual([]);

		const decided = await approvals.decide(
			ctx.database,
			await actorOf(a.guardian),
			{ approvalId, decision: 'deny', note: '  not today  ' },
			T + 2
		);
		expect(decided.decidedBy).toBe(a.guardian);
		expect(await request(approvalId)).toEqual({
			status: 'denied',
			decided_by: a.guardian,
			note: 'not today'
		});
		const [entry] = await family.audit.list(db(), a.familyId);
		expect(entry).toMatchObject({
			action: 'approval.denied',
			actor_id: a.guardian,
			subject_id: a.minor,
			at: T + 2
		});
		expect(JSON.parse(entry!.after!)).toEqual({
			approvalId,
			authorizationId: asked.authorizationId,
			status: 'denied',
			note: 'not today'
		});
	});

	it("lists a guardian's pending requests with the minor's month and what is left of each limit", async () => {
		const { guardian, minor } = await household('Cleo');
		await limit(minor, guardian, { amount: 500 });
		await recharge(minor, 50, T - 2000); // approved: counts this month
		const asked = await recharge(minor, 300);
		const [listed, ...more] = await approvals.pending(db(), await actorOf(guardian), T + 1);
		expect(more).toEqual([]);
		expect(listed).toMatchObject({
			approvalId: asked.approvalId,
			authorizationId: asked.authorizationId,
			status: 'pending',
			minor: { id: minor, name: "Cleo's kid" },
			kind: 'recharge',
			coins: 300,
			price: { amount: 600, currency: 'USD' },
			channel: 'web',
			paymentMethod: 'card',
			creator: null,
			expiresAt: asked.expiresAt,
			decidedBy: null,
			context: {
				month: '2026-11',
				thisMonth: {
					coinsBought: 50,
					money: { amount: 100, currency: 'USD' },
					coinsGifted: 0,
					onCreator: null
				}
			}
		});
		expect(
			listed!.context.limits.map((l) => [l.period, l.action, l.amount, l.used, l.left])
		).toEqual([
			['purchase', 'approval', 100, 0, 100],
			['month', 'block', 500, 50, 450]
		]);
		// The minor sees their own; after the answer it leaves the list for the recent ones.
		expect(
			(await approvals.pending(db(), await actorOf(minor, true), T + 1)).map((r) => r.approvalId)
		).toEqual([asked.approvalId]);
		await approvals.decide(
			ctx.database,
			await actorOf(guardian),
			{ approvalId: asked.approvalId!, decision: 'approve' },
			T + 5
		);
		expect(await approvals.pending(db(), await actorOf(guardian), T + 6)).toEqual([]);
		expect(await approvals.recent(db(), await actorOf(minor, true), T + 6)).toMatchObject([
			{
				approvalId: asked.approvalId,
				status: 'approved',
				decidedBy: { id: guardian, name: 'Cleo' }
			}
		]);
	});
});
