import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as holds from '../ledger/holds';
import * as budgetPage from './budget-page';
import * as budgets from './budgets';
import * as limits from './limits';

// Editing a budget, cancelling a change that waits out its cool-off, the progress the page
// reads and a rollover that the purchase flow honours, on each database.

const T = Date.parse('2026-11-18T15:00:00Z');
const HOUR = 60 * 60_000;
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

const monthly = {
	appliesTo: 'recharge',
	metric: 'coins',
	period: 'month',
	amount: 1000,
	creatorId: null,
	action: 'block'
} as const;

describeEachDatabase('budget edits', (ctx) => {
	const db = () => ctx.database.db;
	let flow: ApiKeySummary;
	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('flow'));
		flow = (await apiKeys.authenticate(db(), key))!;
	});

	async function adult() {
		const account = await accounts.create(db(), {
			email: `${unique('b')}@example.com`,
			displayName: 'Bea',
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD'
		});
		return {
			id: account.id,
			email: account.email,
			displayName: 'Bea',
			timeZone: 'UTC',
			currency: 'USD',
			locale: 'en-US',
			isMinor: false
		};
	}

	const recharge = (accountId: string, coins: number, at: number) =>
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

	const inForce = async (accountId: string, at: number) =>
		(await limits.active(db(), accountId, 'recharge', at)).map((l) => l.amount);

	it('a tightening applies at once; a raise waits 24 h, and cancelling it keeps the old limit', async () => {
		const user = await adult();
		const limit = await budgets.add(db(), user, monthly, T);
		const lower = await budgets.change(db(), user, limit.id, { ...monthly, amount: 800 }, T + 1);
		expect(lower.effectiveAt).toBe(T + 1);
		expect(await inForce(user.id, T + 2)).toEqual([800]);

		const raise = await budgets.change(
			db(),
			user,
			lower.limit.id,
			{ ...monthly, amount: 5000 },
			T + HOUR
		);
		expect(raise.effectiveAt).toBe(T + HOUR + budgets.COOL_OFF);
		expect(await inForce(user.id, T + 2 * HOUR)).toEqual([800]);
		// Editing the waiting raise does not bring it forward.
		const again = await budgets.change(
			db(),
			user,
			raise.limit.id,
			{ ...monthly, amount: 4000 },
			T + 2 * HOUR
		);
		expect(again.effectiveAt).toBe(T + 2 * HOUR + budgets.COOL_OFF);
		expect(await inForce(user.id, T + 3 * HOUR)).toEqual([800]);

		await budgets.cancel(db(), user.id, again.limit.id, T + 3 * HOUR);
		expect(await inForce(user.id, T + 3 * HOUR)).toEqual([800]);
		// A day later the cancelled raise never took effect, and 800 still does.
		expect(await inForce(user.id, T + 30 * HOUR)).toEqual([800]);
		const listed = await budgetPage.list(db(), user, T + 30 * HOUR);
		expect(listed.map((l) => [l.amount, l.waiting])).toEqual([[800, null]]);
	});

	it('a removal waiting out its cool-off can be cancelled; nothing waiting says so', async () => {
		const user = await adult();
		const limit = await budgets.add(db(), user, monthly, T);
		await expect(budgets.cancel(db(), user.id, limit.id, T + 1)).rejects.toThrow(
			'Nothing is waiting to change on this limit'
		);
		const { endsAt } = await budgets.remove(db(), user.id, limit.id, T + HOUR);
		expect(endsAt).toBe(T + HOUR + budgets.COOL_OFF);
		const waiting = await budgetPage.list(db(), user, T + 2 * HOUR);
		expect(waiting[0]!.waiting).toEqual({ kind: 'removal', at: endsAt });
		await budgets.cancel(db(), user.id, limit.id, T + 2 * HOUR);
		expect(await inForce(user.id, T + 48 * HOUR)).toEqual([1000]);
		// Someone else's limit is not found.
		const other = await adult();
		await expect(budgets.cancel(db(), other.id, limit.id, T + 3 * HOUR)).rejects.toThrow(
			'No such limit'
		);
	});

	it('the page shows spent, held and left, and says when a new limit is below what is used', async () => {
		const user = await adult();
		const held = await recharge(user.id, 300, T);
		await holds.capture(ctx.database, flow, held.authorizationId, T + 1);
		await recharge(user.id, 200, T + 2); // still held
		const added = await budgetPage.add(
			db(),
			user,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: '400',
				creatorHandle: '',
				action: 'block',
				alertThresholds: '50, 80, 100',
				rolloverPercent: '',
				rolloverAmount: ''
			},
			T + 3,
			false
		);
		expect(added).toMatchObject({ ok: true, over: { used: 500, allowed: 400 } });
		const [shown] = await budgetPage.list(db(), user, T + 4);
		expect(shown!.progress).toMatchObject({ spent: 300, held: 200, allowed: 400, left: 0 });
		expect(shown!.progress!.percent).toBe(125);
	});

	it('bad settings name their field and change nothing', async () => {
		const user = await adult();
		const limit = await budgets.add(db(), user, monthly, T);
		const edit = (fields: Record<string, string>) =>
			budgetPage.edit(
				db(),
				user,
				{ limitId: limit.id, amount: '900', action: 'block', ...fields },
				T + 1,
				false
			);
		expect(await edit({ alertThresholds: '50, 180' })).toMatchObject({ field: 'alertThresholds' });
		expect(await edit({ alertThresholds: '<b>50</b>' })).toMatchObject({
			field: 'alertThresholds'
		});
		expect(await edit({ rolloverPercent: '150' })).toMatchObject({ field: 'rolloverPercent' });
		expect(await edit({ amount: '1e99' })).toMatchObject({ field: 'amount' });
		expect(await edit({ limitId: "x' OR 1=1 --" })).toMatchObject({ field: 'limitId' });
		expect(await inForce(user.id, T + 2)).toEqual([1000]);
	});

	it('a rollover carries last month’s unspent budget, capped, into this month', async () => {
		const user = await adult();
		const limit = await budgets.add(db(), user, monthly, Date.parse('2026-10-01T00:00:00Z'));
		// Rolling over is looser: it waits out the cool-off like any raise.
		const { limit: rolling, effectiveAt } = await budgets.change(
			db(),
			user,
			limit.id,
			{ ...monthly, rollover: { percent: 50, amount: null } },
			Date.parse('2026-10-02T00:00:00Z')
		);
		expect(effectiveAt).toBe(Date.parse('2026-10-03T00:00:00Z'));
		const october = await recharge(user.id, 600, Date.parse('2026-10-10T00:00:00Z'));
		await holds.capture(
			ctx.database,
			flow,
			october.authorizationId,
			Date.parse('2026-10-10T00:01:00Z')
		);
		// 400 left in October, at most 500 carried: 1,400 in November.
		const nov = Date.parse('2026-11-05T00:00:00Z');
		expect((await recharge(user.id, 1401, nov)).decision).toBe('declined');
		expect((await recharge(user.id, 1400, nov + 1)).decision).toBe('approved');
		const [shown] = await budgetPage.list(db(), user, nov + 2);
		expect(shown!.id).toBe(rolling.id);
		expect(shown!.progress).toMatchObject({ allowed: 1400, carried: 400, held: 1400, left: 0 });
	});
});
