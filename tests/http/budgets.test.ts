import { afterAll, beforeAll, expect, it } from 'vitest';
import { authorizeInput } from '../../src/lib/schemas/purchase';
import * as access from '../../src/lib/server/access';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import type { ApiKeySummary } from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as family from '../../src/lib/server/family';
import * as holds from '../../src/lib/server/ledger/holds';
import * as limits from '../../src/lib/server/policy/limits';
import { describeEachDatabase } from '../support/each-database';
import { loosenMinor } from '../support/family';
import { getPage, postForm } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// The Budgets page and the gift outcomes as a browser without JavaScript uses them: plain form
// posts, the page as HTML. Editing, a cancelled raise and removal, a limit below what is used,
// bad settings, and on the creator page a block, a warning, a guardian's wait and a gift that
// asks for a confirmation first.

describeEachDatabase('budgets and gift outcomes over HTTP', (ctx) => {
	let server: RunningServer;
	let flow: ApiKeySummary;
	let n = 0;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
		const { key } = await apiKeys.create(db(), `budgets-http-${process.pid}`);
		flow = (await apiKeys.authenticate(db(), key))!;
		await db()
			.insertInto('gifts')
			.values([
				{ id: 'gift_bu_rose', name: 'Rose', coins: 10, emoji: '🌹' },
				{ id: 'gift_bu_star', name: 'Star', coins: 400, emoji: '⭐' }
			])
			.onConflict((oc) => oc.doNothing())
			.execute();
		await db()
			.insertInto('creators')
			.values({
				id: 'creator_bu',
				handle: 'budgetstar',
				display_name: 'Budget Star',
				first_seen_at: Date.now()
			})
			.onConflict((oc) => oc.doNothing())
			.execute();
	});
	afterAll(async () => {
		await server?.stop();
	});

	const person = () => signedInAccount(db(), `budgets-${process.pid}-${++n}@example.com`);
	const text = async (response: Response) => {
		const html = await response.text();
		return html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
	};
	const page = async (cookie: string, path = '/budgets') =>
		text(await getPage(server.origin, path, cookie));

	/** Coins bought and captured through the purchase API's key, as the shop would. */
	async function coins(accountId: string, amount: number) {
		const held = await holds.authorize(
			ctx.database,
			flow,
			authorizeInput.parse({
				idempotencyKey: `c-${process.pid}-${++n}`,
				accountId,
				kind: 'recharge',
				coins: amount,
				price: { amount: amount * 2, currency: 'EUR' },
				channel: 'web',
				paymentMethod: 'card'
			})
		);
		await holds.capture(ctx.database, flow, held.authorizationId);
	}

	async function addLimit(cookie: string, fields: Record<string, string>) {
		return postForm(
			server.origin,
			'/budgets?/add',
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: '1000',
				creatorHandle: '',
				action: 'block',
				alertThresholds: '50, 80, 100',
				rolloverPercent: '',
				rolloverAmount: '',
				...fields
			},
			{ cookie }
		);
	}
	const own = async (accountId: string) =>
		db()
			.selectFrom('limits')
			.selectAll()
			.where('account_id', '=', accountId)
			.orderBy('created_at')
			.orderBy('id')
			.execute();

	it('a limit is edited: lower at once, a raise waits with a countdown and is cancelled', async () => {
		const { accountId, cookie } = await person();
		await coins(accountId, 300);
		expect((await addLimit(cookie, {})).status).toBe(200);
		const [limit] = await own(accountId);
		expect(await page(cookie)).toMatch(/Spent\s*300 coins\s*Held\s*0 coins\s*Left\s*700 coins/);

		const lower = await postForm(
			server.origin,
			'/budgets?/change',
			{
				limitId: limit!.id,
				amount: '800',
				action: 'block',
				alertThresholds: '50, 90',
				rolloverPercent: '',
				rolloverAmount: ''
			},
			{ cookie }
		);
		expect(lower.status).toBe(200);
		expect(await text(lower)).toContain('Limit changed. The new limit applies from now on.');
		const lowered = (await limits.active(db(), accountId, 'recharge', Date.now())).map((l) => [
			l.amount,
			l.alertThresholds
		]);
		expect(lowered).toEqual([[800, [50, 90]]]);

		const current = (await own(accountId)).find((l) => l.ends_at === null)!;
		const raise = await postForm(
			server.origin,
			'/budgets?/change',
			{
				limitId: current.id,
				amount: '5000',
				action: 'block',
				alertThresholds: '50, 90',
				rolloverPercent: '',
				rolloverAmount: ''
			},
			{ cookie }
		);
		const raised = await text(raise);
		expect(raised).toContain('The looser limit takes effect on');
		expect(raised).toMatch(/Takes effect in (24 h|23 h \d+ min)/);
		expect(raised).toContain('Cancel this change');
		const waiting = (await own(accountId)).find((l) => l.effective_at > Date.now())!;
		expect(waiting.amount).toBe(5000);

		const cancelled = await postForm(
			server.origin,
			'/budgets?/cancel',
			{ limitId: waiting.id },
			{ cookie }
		);
		expect(await text(cancelled)).toContain('Change cancelled. The limit stays as it was.');
		expect(await page(cookie)).not.toContain('Takes effect in');
		expect(
			(await limits.active(db(), accountId, 'recharge', Date.now() + 25 * 3_600_000)).map(
				(l) => l.amount
			)
		).toEqual([800]);
	});

	it('a removal waits with a countdown and can be cancelled; a stranger cannot cancel it', async () => {
		const { accountId, cookie } = await person();
		await addLimit(cookie, {});
		const [limit] = await own(accountId);
		const removed = await text(
			await postForm(server.origin, '/budgets?/remove', { limitId: limit!.id }, { cookie })
		);
		expect(removed).toMatch(/Ends in (24 h|23 h \d+ min)/);
		expect(removed).toContain('Cancel removal');
		const stranger = await person();
		const refused = await postForm(
			server.origin,
			'/budgets?/cancel',
			{ limitId: limit!.id },
			{ cookie: stranger.cookie }
		);
		expect(refused.status).toBe(400);
		expect(await text(refused)).toContain('No such limit on your account.');
		await postForm(server.origin, '/budgets?/cancel', { limitId: limit!.id }, { cookie });
		expect((await own(accountId))[0]!.ends_at).toBeNull();
	});

	it('a new limit below what is already used is set, and the page says so', async () => {
		const { accountId, cookie } = await person();
		await coins(accountId, 5998);
		const response = await addLimit(cookie, { amount: '6000' });
		expect(await text(response)).toContain(
			"You have already used 5,998 coins of this limit's 6,000 coins this period"
		);
		const below = await text(await addLimit(cookie, { amount: '5000' }));
		expect(below).toContain(
			'You have already used 5,998 coins this period, more than this limit of 5,000 coins'
		);
		expect(await own(accountId)).toHaveLength(2);
	});

	it('bad settings are refused naming the field, and change nothing', async () => {
		const { accountId, cookie } = await person();
		for (const [fields, words] of [
			[{ alertThresholds: '<script>alert(1)</script>' }, 'Alert thresholds:'],
			[{ alertThresholds: '50, 101' }, 'Alert thresholds: "101" is not a whole per cent'],
			[{ rolloverPercent: '1; DROP TABLE limits' }, 'Rollover cap: a whole per cent'],
			[{ rolloverAmount: '99999999999999999999' }, 'Rollover cap: a whole number of coins'],
			[{ amount: '1e400' }, 'Enter a whole number of coins']
		] as const) {
			const response = await addLimit(cookie, fields);
			expect(response.status).toBe(400);
			expect(await text(response)).toContain(words);
		}
		expect(await own(accountId)).toEqual([]);
		const confirm = await postForm(
			server.origin,
			'/budgets?/giftConfirm',
			{ giftConfirmOver: '-5' },
			{ cookie }
		);
		expect(confirm.status).toBe(400);
		expect(await text(confirm)).toContain('Confirm gifts above: a whole number of coins');
	});

	const sendGift = (cookie: string, giftId: string, extra: Record<string, string> = {}) =>
		postForm(
			server.origin,
			'/live/budgetstar?/send',
			{ idempotencyKey: crypto.randomUUID(), giftId, ...extra },
			{ cookie }
		);
	const balance = async (accountId: string) =>
		(
			await db()
				.selectFrom('accounts')
				.select('coin_balance')
				.where('id', '=', accountId)
				.executeTakeFirstOrThrow()
		).coin_balance;

	it('a blocked gift is "Not sent"; a warned one is sent, with the warning', async () => {
		const { accountId, cookie } = await person();
		await coins(accountId, 1000);
		await addLimit(cookie, { appliesTo: 'gift', amount: '15', period: 'day', action: 'warn' });
		await addLimit(cookie, { appliesTo: 'gift', amount: '100', period: 'day', action: 'block' });
		const first = await text(await sendGift(cookie, 'gift_bu_rose'));
		expect(first).toContain('Sent: 🌹 Rose sent to Budget Star.');
		const warned = await text(await sendGift(cookie, 'gift_bu_rose'));
		expect(warned).toContain('Sent, with a warning: 🌹 Rose sent to Budget Star.');
		expect(warned).toContain('Heads-up:');
		expect(warned).not.toContain('Not sent');
		const blocked = await text(await sendGift(cookie, 'gift_bu_star'));
		expect(blocked).toContain('Not sent: this would go over a limit.');
		expect(await balance(accountId)).toBe(980);
	});

	it("a minor's gift over an approval limit waits for a guardian", async () => {
		const guardian = await person();
		const actor = await access.userActor(db(), { id: guardian.accountId, isMinor: false });
		await family.create(db(), actor, { name: `Budgets family ${n}` });
		const kid = await family.createMinor(
			db(),
			await access.userActor(db(), { id: guardian.accountId, isMinor: false }),
			{
				email: `budgets-kid-${process.pid}-${++n}@example.com`,
				displayName: 'Kid',
				password: 'a kid passphrase'
			}
		);
		await loosenMinor(db(), guardian.accountId, kid.id, { rules: { giftingAllowed: true } });
		await coins(kid.id, 500);
		await limits.add(
			db(),
			kid.id,
			{
				appliesTo: 'gift',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: guardian.accountId },
			Date.now()
		);
		const { token } = await sessions.create(db(), kid.id, { userAgent: 'test', ip: null });
		const asked = await text(await sendGift(`${sessions.COOKIE_NAME}=${token}`, 'gift_bu_star'));
		expect(asked).toContain('Waiting for a guardian: nothing is sent until one approves.');
		expect(asked).not.toContain('Not sent');
	});

	it('a gift above the chosen size asks first: nothing is sent until the confirm form is posted', async () => {
		const { accountId, cookie } = await person();
		await coins(accountId, 1000);
		const saved = await postForm(
			server.origin,
			'/budgets?/giftConfirm',
			{ giftConfirmOver: '100' },
			{ cookie }
		);
		expect(await text(saved)).toContain('Gifts above 100 coins now ask for a confirmation first.');
		// Below the threshold: sent at once.
		expect(await text(await sendGift(cookie, 'gift_bu_rose'))).toContain('Sent: 🌹 Rose');
		const key = crypto.randomUUID();
		const asked = await text(await sendGift(cookie, 'gift_bu_star', { idempotencyKey: key }));
		expect(asked).toContain('Send this gift?');
		expect(asked).toContain('Yes, send 400 coins');
		expect(await balance(accountId)).toBe(990);
		const sent = await text(
			await sendGift(cookie, 'gift_bu_star', { idempotencyKey: key, confirmed: 'yes' })
		);
		expect(sent).toContain('Sent: ⭐ Star sent to Budget Star.');
		expect(await balance(accountId)).toBe(590);
		const forged = await sendGift(cookie, 'gift_bu_star', { confirmed: '<b>yes</b>' });
		expect(forged.status).toBe(400);
		expect(await balance(accountId)).toBe(590);
	});

	it('over tRPC: a limit with alert shares and a rollover, a raise, and its cancel', async () => {
		const { accountId, cookie } = await person();
		const call = async (path: string, input?: unknown) => {
			const response = await fetch(`${server.origin}/api/trpc/${path}`, {
				method: input === undefined ? 'GET' : 'POST',
				headers: { 'content-type': 'application/json', origin: server.origin, cookie },
				body: input === undefined ? undefined : JSON.stringify(input)
			});
			return { status: response.status, body: await response.json() };
		};
		const terms = {
			appliesTo: 'gift',
			metric: 'coins',
			period: 'week',
			amount: 500,
			action: 'warn'
		};
		const refused = await call('budgets.set', { ...terms, alertThresholds: [0, 150] });
		expect(refused.status).toBe(400);
		expect(JSON.stringify(refused.body)).toContain('alertThresholds: whole per cents, 1 to 100.');
		expect(await own(accountId)).toEqual([]);

		const set = await call('budgets.set', {
			...terms,
			alertThresholds: [75, 25],
			rollover: { percent: 10, amount: null }
		});
		expect(set.status).toBe(200);
		const listed = await call('budgets.list');
		expect(listed.body.result.data).toMatchObject([
			{ amount: 500, alertThresholds: [25, 75], rollover: { percent: 10, amount: null } }
		]);
		const limitId = set.body.result.data.limitId;
		const raised = await call('budgets.change', { limitId, limit: { ...terms, amount: 900 } });
		expect(raised.status).toBe(200);
		const nothing = await call('budgets.cancel', { limitId: 'lim_nope' });
		expect(nothing.body.error.data.code).toBe('NOT_FOUND');
		const cancelled = await call('budgets.cancel', { limitId: raised.body.result.data.limitId });
		expect(cancelled.body.result.data).toEqual({ limitId });
		const kept = (await own(accountId)).find((l) => l.id === limitId)!;
		expect([kept.ends_at, kept.alert_thresholds, kept.rollover_percent]).toEqual([
			null,
			'25,75',
			10
		]);
	});

	it('in the shop: bought, bought with a warning, and not bought are told apart', async () => {
		const { accountId, cookie } = await person();
		await db()
			.insertInto('coin_packs')
			.values({ id: 'pack_bu_eur_100', coins: 100, price_amount: 199, currency: 'EUR' })
			.onConflict((oc) => oc.doNothing())
			.execute();
		await addLimit(cookie, { amount: '150', period: 'day', action: 'warn' });
		await addLimit(cookie, { amount: '250', period: 'day', action: 'block' });
		const buy = async () =>
			text(
				await postForm(
					server.origin,
					'/shop?/buy',
					{
						idempotencyKey: crypto.randomUUID(),
						packId: 'pack_bu_eur_100',
						paymentMethod: 'card',
						simulateFailure: ''
					},
					{ cookie }
				)
			);
		expect(await buy()).toContain('Bought: 100 coins credited.');
		const warned = await buy();
		expect(warned).toContain('Bought, with a warning: 100 coins credited.');
		expect(warned).not.toContain('Not bought');
		expect(await buy()).toContain('Not bought: this would go over a limit.');
		expect(await balance(accountId)).toBe(200);
	});
});
