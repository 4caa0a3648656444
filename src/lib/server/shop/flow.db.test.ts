import { beforeAll, expect, it, vi } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as family from '../family';
import * as answers from '../ledger/approvals';
import * as apiKeys from '../auth/api-keys';
import * as holds from '../ledger/holds';
import * as limits from '../policy/limits';
import { windowOf } from '../policy/periods';
import type { PurchaseApi } from './api';
import * as catalogue from './catalogue';
import * as flow from './flow';

describeEachDatabase('shop flow', (ctx) => {
	let api: PurchaseApi;
	let n = 0;

	beforeAll(async () => {
		const { key } = await apiKeys.create(ctx.database.db, 'flow test');
		const apiKey = (await apiKeys.authenticate(ctx.database.db, key))!;
		// The ledger's own functions, as the tRPC procedures call them.
		api = {
			authorize: (input) => holds.authorize(ctx.database, apiKey, authorizeInput.parse(input)),
			capture: (id) => holds.capture(ctx.database, apiKey, id),
			void: (id) => holds.voidHold(ctx.database, apiKey, id),
			get: (id) => holds.get(ctx.database, apiKey, id)
		};
	});

	async function account(isMinor = false) {
		const created = await accounts.create(ctx.database.db, {
			email: `flow${++n}@example.com`,
			displayName: 'Flo',
			password: 'a long enough passphrase',
			timeZone: 'Europe/Paris',
			currency: 'EUR',
			isMinor
		});
		return created.id;
	}

	const recharge = (accountId: string, coins = 660) => ({
		idempotencyKey: crypto.randomUUID(),
		accountId,
		kind: 'recharge' as const,
		coins,
		price: { amount: 1099, currency: 'EUR' },
		channel: 'web' as const,
		paymentMethod: 'card'
	});
	const paid = async () => ({ ok: true as const });
	const refused = async () => ({ ok: false as const, message: 'no' });

	it('pays and captures an approved purchase', async () => {
		const id = await account();
		const result = await flow.run(api, recharge(id), paid);
		expect(result).toMatchObject({ status: 'completed', warnings: [] });
		expect(await catalogue.balance(ctx.database.db, id)).toBe(660);
	});

	it('voids the hold when the payment fails, and credits nothing', async () => {
		const id = await account();
		const result = await flow.run(api, recharge(id), refused);
		expect(result).toEqual({ status: 'payment_failed', holdReleased: true });
		expect(await catalogue.balance(ctx.database.db, id)).toBe(0);
		const [auth] = await ctx.database.db
			.selectFrom('authorizations')
			.select('status')
			.where('account_id', '=', id)
			.execute();
		expect(auth?.status).toBe('voided');
	});

	it('does not pay for a declined purchase, and says when the limit resets', async () => {
		const id = await account();
		const now = Date.now();
		await limits.add(
			ctx.database.db,
			id,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: 1000,
				currency: null,
				creatorId: null,
				action: 'block'
			},
			{ role: 'self', accountId: id },
			now
		);
		const pay = vi.fn(paid);
		const result = await flow.run(api, recharge(id, 1321), pay);
		expect(pay).not.toHaveBeenCalled();
		expect(result.status).toBe('declined');
		const [reason] = (result as Extract<flow.Settlement, { status: 'declined' }>).reasons;
		const nextMonth = windowOf('month', 'Europe/Paris', now).end;
		expect(reason?.resetsAt).toBe(new Date(nextMonth).toISOString());
		expect(reason?.message).toContain('over the limit of 1,000 coins');
		expect(reason?.message).not.toContain('It resets');
	});

	it('buys once when the same form is sent twice', async () => {
		const id = await account();
		const request = recharge(id);
		const [first, second] = await Promise.all([
			flow.run(api, request, paid),
			flow.run(api, request, paid)
		]);
		expect(first.status).toBe('completed');
		expect(second.status).toBe('completed');
		expect(await catalogue.balance(ctx.database.db, id)).toBe(660);
	});

	it('sends a gift without a payment step', async () => {
		const id = await account();
		await flow.run(api, recharge(id), paid);
		const result = await flow.run(
			api,
			{
				idempotencyKey: crypto.randomUUID(),
				accountId: id,
				kind: 'gift',
				coins: 5,
				creatorId: 'creator_flow_test',
				channel: 'app'
			},
			null
		);
		expect(result.status).toBe('completed');
		expect(await catalogue.balance(ctx.database.db, id)).toBe(655);
		const month = { from: Date.now() - 60_000, to: Date.now() + 60_000 };
		expect(
			await catalogue.givenTo(ctx.database.db, id, 'creator_flow_test', month.from, month.to)
		).toBe(5);
	});

	it('fails closed when Coinguard cannot be asked', async () => {
		const pay = vi.fn(paid);
		const broken: PurchaseApi = {
			...api,
			authorize: () => Promise.reject(new Error('connection refused'))
		};
		const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const result = await flow.run(broken, recharge(await account()), pay);
		error.mockRestore();
		expect(result).toMatchObject({ status: 'failed' });
		expect((result as { message: string }).message).toContain('nothing was bought');
		expect(pay).not.toHaveBeenCalled();
	});

	it('follows a purchase that waited: still waiting, then paid and credited once approved, or declined', async () => {
		const guardian = await account();
		const minor = await account(true);
		await family.link(ctx.database.db, guardian, minor);
		await limits.add(
			ctx.database.db,
			minor,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: guardian },
			Date.now() - 1000
		);
		const approvalOf = (authorizationId: string) =>
			ctx.database.db
				.selectFrom('approval_requests')
				.select('id')
				.where('authorization_id', '=', authorizationId)
				.executeTakeFirstOrThrow();

		const asked = await flow.run(api, recharge(minor), paid);
		expect(asked.status).toBe('pending_approval');
		const id = (asked as { authorizationId: string }).authorizationId;
		expect(await flow.follow(api, id, paid)).toMatchObject({ status: 'pending_approval' });
		await answers.approve(ctx.database, (await approvalOf(id)).id, guardian);
		let payments = 0;
		const counted = async () => (payments++, { ok: true as const });
		expect(await flow.follow(api, id, counted)).toMatchObject({ status: 'completed' });
		expect(await catalogue.balance(ctx.database.db, minor)).toBe(660);
		// Following it again answers the same, and pays nothing more.
		expect(await flow.follow(api, id, counted)).toMatchObject({ status: 'completed' });
		expect(payments).toBe(1);
		expect(await catalogue.balance(ctx.database.db, minor)).toBe(660);

		const denied = (await flow.run(api, recharge(minor), paid)) as { authorizationId: string };
		await answers.deny(ctx.database, (await approvalOf(denied.authorizationId)).id, guardian);
		const outcome = await flow.follow(api, denied.authorizationId, counted);
		expect(outcome).toMatchObject({
			status: 'declined',
			reasons: [{ code: 'approval_denied', message: 'A guardian declined this purchase.' }]
		});
		expect(payments).toBe(1);
	});
});
