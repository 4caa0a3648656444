import { afterAll, beforeAll, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import type { NewLimit } from '../../src/lib/server/policy/limits';
import { describeEachDatabase } from '../support/each-database';
import { loosenMinor } from '../support/family';
import { getPage, postForm } from '../support/http';
import { callPurchase } from '../support/purchase-api';
import { startServer, type RunningServer } from '../support/server';

// The guardian procedures and the Approvals page against the production server: who may see
// and answer a request, what a refusal leaves behind (nothing), and that the purchase flow's
// `purchase.get` agrees with each outcome.

describeEachDatabase('approvals over HTTP', (ctx) => {
	let server: RunningServer;
	let apiKey: string;
	let n = 0;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
		apiKey = (await apiKeys.create(db(), 'purchase flow')).key;
	});
	afterAll(async () => {
		await server?.stop();
	});

	async function person(displayName: string, isMinor = false) {
		const account = await accounts.create(db(), {
			email: `${displayName.toLowerCase().replace(/\W/g, '')}-${++n}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		const { token } = await sessions.create(db(), account.id, { userAgent: 'test', ip: null });
		return { id: account.id, name: displayName, cookie: `${sessions.COOKIE_NAME}=${token}` };
	}

	function limit(account: string, by: string, rule: Partial<NewLimit>) {
		return limits.add(
			db(),
			account,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval',
				...rule
			},
			{ role: 'guardian', accountId: by },
			Date.now() - 1000
		);
	}

	/** Two guardians and a minor whose recharges over 100 coins wait for one of them. */
	async function household(name: string) {
		const guardian = await person(`${name} Parent`);
		const second = await person(`${name} Other`);
		const minor = await person(`${name} Kid`, true);
		const familyId = await family.link(db(), guardian.id, minor.id);
		await family.link(db(), second.id, minor.id);
		// In place of the default "every recharge waits", a cap the tests can pass or not.
		await loosenMinor(db(), guardian.id, minor.id);
		await limit(minor.id, guardian.id, {});
		return { familyId, guardian, second, minor };
	}

	async function ask(minorId: string, coins = 300) {
		const answer = await callPurchase(server.origin, apiKey, 'authorize', {
			idempotencyKey: `idem-${++n}`,
			accountId: minorId,
			kind: 'recharge',
			coins,
			price: { amount: coins * 2, currency: 'USD' },
			channel: 'web',
			paymentMethod: 'card'
		});
		expect(answer.data?.decision, answer.text).toBe(coins > 100 ? 'pending_approval' : 'approved');
		return answer.data!;
	}

	const purchaseStatus = async (authorizationId: string) =>
		(await callPurchase(server.origin, apiKey, 'get', { authorizationId })).data!;

	async function trpc(
		procedure: 'list' | 'decide',
		cookie: string,
		input?: unknown,
		origin = server.origin
	) {
		const response =
			procedure === 'list'
				? await fetch(`${server.origin}/api/trpc/approvals.list`, { headers: { cookie } })
				: await fetch(`${server.origin}/api/trpc/approvals.decide`, {
						method: 'POST',
						headers: { cookie, origin, 'content-type': 'application/json' },
						body: JSON.stringify(input)
					});
		const body = await response.json();
		return { status: response.status, data: body.result?.data, error: body.error };
	}

	/** What an answer could change, to show that a refusal changed nothing. */
	async function snapshot(approvalId: string, familyId: string) {
		const [request, log] = await Promise.all([
			db().selectFrom('approval_requests').selectAll().where('id', '=', approvalId).execute(),
			family.audit.list(db(), familyId)
		]);
		return { request, log };
	}

	it("lists a guardian's pending requests with their context; another family sees none", async () => {
		const a = await household('Ava');
		const b = await household('Ben');
		await ask(a.minor.id, 50);
		const asked = await ask(a.minor.id, 300);
		const listed = await trpc('list', a.guardian.cookie);
		expect(listed.status).toBe(200);
		expect(listed.data).toEqual([
			expect.objectContaining({
				approvalId: asked.approvalId,
				authorizationId: asked.authorizationId,
				minor: { id: a.minor.id, name: 'Ava Kid' },
				kind: 'recharge',
				packageId: null,
				coins: 300,
				price: { amount: 600, currency: 'USD' },
				channel: 'web',
				paymentMethod: 'card',
				creator: null,
				expiresAt: asked.expiresAt,
				context: expect.objectContaining({
					thisMonth: {
						coinsBought: 50,
						money: { amount: 100, currency: 'USD' },
						coinsGifted: 0,
						onCreator: null
					},
					limits: [expect.objectContaining({ period: 'purchase', amount: 100, left: 100 })]
				})
			})
		]);
		expect((await trpc('list', b.guardian.cookie)).data).toEqual([]);
		expect(
			(await trpc('list', a.minor.cookie)).data.map((r: { approvalId: string }) => r.approvalId)
		).toEqual([asked.approvalId]);
		expect((await fetch(`${server.origin}/api/trpc/approvals.list`)).status).toBe(401);
	});

	it('another family, the minor, bad input and another origin are refused, and nothing changes', async () => {
		const a = await household('Cleo');
		const b = await household('Dev');
		const asked = await ask(a.minor.id);
		const approvalId = asked.approvalId!;
		const before = await snapshot(approvalId, a.familyId);
		for (const cookie of [b.guardian.cookie, b.second.cookie, a.minor.cookie]) {
			for (const decision of ['approve', 'deny']) {
				const answer = await trpc('decide', cookie, { approvalId, decision });
				expect(answer.status).toBe(404);
				expect(answer.error.message).toBe('No approval request with that approvalId.');
			}
		}
		const unknown = await trpc('decide', a.guardian.cookie, {
			approvalId: 'appr_x',
			decision: 'approve'
		});
		expect(unknown.status).toBe(404);
		expect(unknown.error.message).toBe('No approval request with that approvalId.');
		const bad = await trpc('decide', a.guardian.cookie, { approvalId, decision: 'maybe' });
		expect(bad.status).toBe(400);
		expect(bad.error.message).toMatch(/^decision: /);
		const long = await trpc('decide', a.guardian.cookie, {
			approvalId,
			decision: 'deny',
			note: 'x'.repeat(501)
		});
		expect(long.status).toBe(400);
		expect(long.error.message).toMatch(/^note: /);
		const crossSite = await trpc(
			'decide',
			a.guardian.cookie,
			{ approvalId, decision: 'approve' },
			'https://evil.example'
		);
		expect(crossSite.status).toBe(403);
		expect(await snapshot(approvalId, a.familyId)).toEqual(before);
		expect(await purchaseStatus(asked.authorizationId)).toMatchObject({
			status: 'pending_approval'
		});
	});

	it('approves: the answer names the guardian, purchase.get shows held, a later answer is 409 naming them', async () => {
		const a = await household('Eve');
		const asked = await ask(a.minor.id);
		const approved = await trpc('decide', a.guardian.cookie, {
			approvalId: asked.approvalId,
			decision: 'approve',
			note: 'ok',
			decidedBy: a.second.id // ignored: the decider is the caller
		});
		expect(approved.status).toBe(200);
		expect(approved.data).toEqual({
			approvalId: asked.approvalId,
			status: 'approved',
			decidedBy: a.guardian.id,
			decidedAt: expect.any(String)
		});
		expect(await purchaseStatus(asked.authorizationId)).toMatchObject({
			status: 'held',
			decision: 'approved'
		});
		const later = await trpc('decide', a.second.cookie, {
			approvalId: asked.approvalId,
			decision: 'deny'
		});
		expect(later.status).toBe(409);
		expect(later.error.message).toMatch(
			/^Cannot deny this request: Eve Parent already approved it at /
		);
		expect((await family.audit.list(db(), a.familyId))[0]).toMatchObject({
			action: 'approval.approved',
			actor_id: a.guardian.id
		});
	});

	it('two guardians answering at the same instant end in exactly one outcome; purchase.get agrees', async () => {
		const a = await household('Fay');
		for (let round = 0; round < 4; round++) {
			const asked = await ask(a.minor.id);
			const calls = [
				trpc('decide', a.guardian.cookie, { approvalId: asked.approvalId, decision: 'approve' }),
				trpc('decide', a.second.cookie, { approvalId: asked.approvalId, decision: 'deny' })
			];
			const answers = await Promise.all(round % 2 ? calls.reverse() : calls);
			const won = answers.filter((r) => r.status === 200);
			const lost = answers.filter((r) => r.status !== 200);
			expect(won).toHaveLength(1);
			expect(lost).toHaveLength(1);
			const winner = won[0]!.data;
			const name = winner.decidedBy === a.guardian.id ? 'Fay Parent' : 'Fay Other';
			expect(lost[0]!.status).toBe(409);
			expect(lost[0]!.error.message).toContain(`${name} already ${winner.status} it`);
			const seen = await purchaseStatus(asked.authorizationId);
			if (winner.status === 'approved') {
				expect(seen).toMatchObject({ status: 'held', decision: 'approved' });
			} else {
				expect(seen).toMatchObject({ status: 'declined', reasons: [{ code: 'approval_denied' }] });
			}
		}
	});

	it('refuses an approval the cap no longer allows, with the reason; the request still waits', async () => {
		const a = await household('Gus');
		await limit(a.minor.id, a.guardian.id, { period: 'month', amount: 1000, action: 'block' });
		const asked = await ask(a.minor.id, 300);
		await ask(a.minor.id, 100);
		await limit(a.minor.id, a.guardian.id, { period: 'month', amount: 350, action: 'block' });
		const refused = await trpc('decide', a.guardian.cookie, {
			approvalId: asked.approvalId,
			decision: 'approve'
		});
		expect(refused.status).toBe(409);
		expect(refused.error.message).toMatch(
			/^Cannot approve this request: it no longer fits the limits\. /
		);
		expect(await purchaseStatus(asked.authorizationId)).toMatchObject({
			status: 'pending_approval'
		});
		expect((await trpc('list', a.guardian.cookie)).data).toHaveLength(1);
	});

	it('the Approvals page: the guardian answers by form, others get 404, the minor sees it read-only', async () => {
		const a = await household('Hal');
		const b = await household('Ivy');
		const asked = await ask(a.minor.id);
		const approvalId = asked.approvalId!;

		const guardianPage = await (
			await getPage(server.origin, '/approvals', a.guardian.cookie)
		).text();
		expect(guardianPage).toContain('Hal Kid');
		expect(guardianPage).toContain('300 coins');
		expect(guardianPage).toMatch(/<form[^>]*action="\?\/decide"/);
		const otherPage = await (await getPage(server.origin, '/approvals', b.guardian.cookie)).text();
		expect(otherPage).not.toContain('Hal Kid');
		expect(otherPage).toContain('Nothing is waiting for you.');
		const minorPage = await (await getPage(server.origin, '/approvals', a.minor.cookie)).text();
		expect(minorPage).toContain('Your requests waiting');
		expect(minorPage).toContain('300 coins');
		expect(minorPage).not.toMatch(/action="\?\/decide"/);

		const before = await snapshot(approvalId, a.familyId);
		for (const cookie of [b.guardian.cookie, a.minor.cookie]) {
			const refused = await postForm(
				server.origin,
				'/approvals?/decide',
				{ approvalId, decision: 'approve', note: '' },
				{ cookie }
			);
			expect(refused.status).toBe(404);
			const body = await refused.text();
			expect(body).toContain('Not found: nothing was changed.');
		}
		const bad = await postForm(
			server.origin,
			'/approvals?/decide',
			{ approvalId, decision: 'yes' },
			{ cookie: a.guardian.cookie }
		);
		expect(bad.status).toBe(400);
		const crossSite = await postForm(
			server.origin,
			'/approvals?/decide',
			{ approvalId, decision: 'approve' },
			{ cookie: a.guardian.cookie, originHeader: 'https://evil.example' }
		);
		expect(crossSite.status).toBe(403);
		expect(await snapshot(approvalId, a.familyId)).toEqual(before);

		const denied = await postForm(
			server.origin,
			'/approvals?/decide',
			{ approvalId, decision: 'deny', note: 'Not this week' },
			{ cookie: a.guardian.cookie }
		);
		expect(denied.status).toBe(200);
		expect(await denied.text()).toContain('Denied: the purchase was declined.');
		expect(await purchaseStatus(asked.authorizationId)).toMatchObject({
			status: 'declined',
			reasons: [{ code: 'approval_denied' }]
		});
		const again = await postForm(
			server.origin,
			'/approvals?/decide',
			{ approvalId, decision: 'approve' },
			{ cookie: a.second.cookie }
		);
		expect(again.status).toBe(409);
		expect(await again.text()).toContain('Hal Parent already denied it');
		const after = await (await getPage(server.origin, '/approvals', a.minor.cookie)).text();
		expect(after).toContain('Denied');
		expect(after).toContain('by Hal Parent');
		expect(after).toContain('Not this week');
	});

	it("the Family page sets the family's wait (audited); a bad value or a minor changes nothing", async () => {
		const a = await household('Jo');
		const set = await postForm(
			server.origin,
			'/family?/approvalWait',
			{ approvalWaitHours: '2' },
			{ cookie: a.guardian.cookie }
		);
		expect(set.status).toBe(200);
		expect(await set.text()).toContain('New requests wait 2 hours for an answer.');
		const [from, asked, to] = [Date.now(), await ask(a.minor.id), Date.now()];
		const expires = Date.parse(asked.expiresAt!);
		expect(expires).toBeGreaterThanOrEqual(from + 7_200_000);
		expect(expires).toBeLessThanOrEqual(to + 7_200_000);
		const before = await family.audit.list(db(), a.familyId);
		expect(before[0]).toMatchObject({
			action: 'family.approval_wait_changed',
			actor_id: a.guardian.id
		});
		const bad = await postForm(
			server.origin,
			'/family?/approvalWait',
			{ approvalWaitHours: '0' },
			{ cookie: a.guardian.cookie }
		);
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('Requests wait at least 1 hour.');
		const minor = await postForm(
			server.origin,
			'/family?/approvalWait',
			{ approvalWaitHours: '5' },
			{ cookie: a.minor.cookie }
		);
		expect(minor.status).toBe(404);
		expect(await family.audit.list(db(), a.familyId)).toEqual(before);
		expect((await family.familyOf(db(), a.guardian.id))!.family.approval_ttl_seconds).toBe(7200);
	});
});
