import { afterAll, beforeAll, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import { describeEachDatabase } from '../support/each-database';
import { openEvents, type ServerEvent } from '../support/events';
import { getPage, postForm } from '../support/http';
import { callPurchase } from '../support/purchase-api';
import { startServer, type RunningServer } from '../support/server';

// GET /events against the production server: the signed-in user's stream carries what a
// purchase or an answer on the server causes, and an answer given on another server too.

describeEachDatabase('live events over HTTP', (ctx) => {
	let one: RunningServer;
	let two: RunningServer;
	let apiKey: string;
	let n = 0;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		// Two app servers on one database, as behind a load balancer.
		[one, two] = await Promise.all([
			startServer({ DATABASE_URL: ctx.url }),
			startServer({ DATABASE_URL: ctx.url })
		]);
		apiKey = (await apiKeys.create(db(), 'purchase flow')).key;
	});
	afterAll(async () => {
		await Promise.all([one?.stop(), two?.stop()]);
	});

	async function person(displayName: string, isMinor = false) {
		const account = await accounts.create(db(), {
			email: `${displayName.toLowerCase()}-${++n}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		const { token } = await sessions.create(db(), account.id, { userAgent: 'test', ip: null });
		return { id: account.id, cookie: `${sessions.COOKIE_NAME}=${token}` };
	}

	async function household() {
		const guardian = await person('Robin');
		const minor = await person('Kit', true);
		await family.link(db(), guardian.id, minor.id);
		await limits.add(
			db(),
			minor.id,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: guardian.id },
			Date.now() - 1000
		);
		return { guardian, minor };
	}

	const named = (event: string) => (e: ServerEvent) => e.event === event;

	it('answers 401 without a session, and starts with the unread count', async () => {
		const anonymous = await openEvents(one.origin);
		expect(anonymous.status).toBe(401);
		const { guardian } = await household();
		const stream = await openEvents(one.origin, guardian.cookie);
		expect(stream.status).toBe(200);
		expect(await stream.next(named('hello'))).toEqual({ event: 'hello', data: { unread: 0 } });
		stream.close();
	});

	it("a minor's purchase reaches the guardian's stream; the answer on another server reaches the minor's", async () => {
		const { guardian, minor } = await household();
		const parent = await openEvents(one.origin, guardian.cookie);
		const child = await openEvents(one.origin, minor.cookie);
		await parent.next(named('hello'));
		await child.next(named('hello'));

		const asked = await callPurchase(one.origin, apiKey, 'authorize', {
			idempotencyKey: `idem-${++n}`,
			accountId: minor.id,
			kind: 'recharge',
			coins: 700,
			price: { amount: 999, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});
		expect(asked.data!.decision).toBe('pending_approval');
		const notice = await parent.next(named('notification'));
		expect(notice.data).toMatchObject({
			unread: 1,
			notice: {
				kind: 'approval_requested',
				text: 'Kit asks to buy 700 coins for $9.99 in the app.',
				read: false
			}
		});
		expect((await parent.next(named('approval'))).data).toEqual({
			approvalId: asked.data!.approvalId
		});

		// The guardian answers through the other server: only the database connects the two.
		const answer = await fetch(`${two.origin}/api/trpc/approvals.decide`, {
			method: 'POST',
			headers: {
				cookie: guardian.cookie,
				origin: two.origin,
				'content-type': 'application/json'
			},
			body: JSON.stringify({ approvalId: asked.data!.approvalId, decision: 'approve' })
		});
		expect(answer.status).toBe(200);
		expect((await child.next(named('notification'))).data).toMatchObject({
			unread: 1,
			notice: {
				kind: 'approval_decided',
				text: "Robin approved Kit's request for 700 coins for $9.99."
			}
		});
		expect((await child.next(named('authorization'))).data).toEqual({
			authorizationId: asked.data!.authorizationId,
			status: 'held'
		});
		// The guardian who answered hears it too, already read, so their other tabs and windows
		// move; the request they answered no longer counts as unread.
		expect((await parent.next(named('notification'))).data).toMatchObject({
			unread: 0,
			notice: {
				kind: 'approval_decided',
				text: "You approved Kit's request for 700 coins for $9.99.",
				read: true
			}
		});
		expect((await parent.next(named('approval'))).data).toEqual({
			approvalId: asked.data!.approvalId
		});
		parent.close();
		child.close();
	});

	it("the notifications page lists notices and marks them read without JavaScript; not another's", async () => {
		const { guardian, minor } = await household();
		await callPurchase(one.origin, apiKey, 'authorize', {
			idempotencyKey: `idem-${++n}`,
			accountId: minor.id,
			kind: 'recharge',
			coins: 350,
			price: { amount: 499, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});
		const page = await (await getPage(one.origin, '/notifications', guardian.cookie)).text();
		expect(page).toContain('Kit asks to buy 350 coins for $4.99 in the app.');
		expect(page).toContain('aria-label="Notifications, 1 unread"');
		const [notice] = await db()
			.selectFrom('notifications')
			.select('id')
			.where('account_id', '=', guardian.id)
			.execute();

		// The minor cannot mark the guardian's notice: not found, nothing changed.
		const refused = await postForm(
			one.origin,
			'/notifications?/read',
			{ id: notice!.id },
			{
				cookie: minor.cookie
			}
		);
		expect(refused.status).toBe(404);
		const unread = () =>
			db()
				.selectFrom('notifications')
				.select('read_at')
				.where('id', '=', notice!.id)
				.executeTakeFirstOrThrow();
		expect((await unread()).read_at).toBeNull();

		const done = await postForm(
			one.origin,
			'/notifications?/read',
			{ id: notice!.id },
			{
				cookie: guardian.cookie
			}
		);
		expect(done.status).toBe(200);
		expect(await done.text()).toContain('aria-label="Notifications, none unread"');
		expect((await unread()).read_at).not.toBeNull();
	});
});
