import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database';
import { household as newHousehold } from '../support/family';
import { getPage, postForm } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// The Controls page of a minor: only a guardian of the minor's family sees it as a form and
// changes it; another family's guardian gets not-found on the page and on every action, the
// minor sees it read-only and cannot change it, and nothing changes on a refusal.

describeEachDatabase('a minor’s controls over HTTP', (ctx) => {
	let server: RunningServer;
	let n = 0;
	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
	});
	afterAll(async () => {
		await server?.stop();
	});
	const db = () => ctx.database.db;

	const household = (name: string) => newHousehold(db(), name);

	async function state(minorId: string) {
		const [rules, limits, standing] = await Promise.all([
			db().selectFrom('account_rules').selectAll().where('account_id', '=', minorId).execute(),
			db()
				.selectFrom('limits')
				.selectAll()
				.where('account_id', '=', minorId)
				.orderBy('id')
				.execute(),
			db().selectFrom('standing_approvals').selectAll().where('account_id', '=', minorId).execute()
		]);
		return { rules, limits, standing };
	}

	const loosen = {
		giftingAllowed: 'on',
		channel_app: 'on',
		channel_web: 'on',
		channel_gift_card: 'on',
		quietFrom: '',
		quietTo: ''
	};

	it('another family’s guardian and the minor are refused on the page and every action; nothing changes', async () => {
		const a = await household('Ava');
		const b = await household('Ben');
		const path = `/family/${a.child.accountId}/controls`;
		expect((await getPage(server.origin, path, b.guardian.cookie)).status).toBe(404);
		const minorView = await getPage(server.origin, path, a.child.cookie);
		expect(minorView.status).toBe(200);
		expect(await minorView.text()).not.toContain('Save rules');

		const before = await state(a.child.accountId);
		const capId = before.limits[0]!.id;
		const posts: [string, Record<string, string>][] = [
			['rules', loosen],
			[
				'addCap',
				{ appliesTo: 'gift', metric: 'coins', period: 'day', amount: '1', action: 'block' }
			],
			['removeCap', { limitId: capId }],
			['addStanding', { appliesTo: 'recharge', period: 'week', coins: '500' }],
			['endStanding', { standingId: 'stand_nope' }]
		];
		for (const cookie of [b.guardian.cookie, a.child.cookie]) {
			for (const [action, fields] of posts) {
				const response = await postForm(server.origin, `${path}?/${action}`, fields, { cookie });
				expect(response.status, action).toBe(404);
			}
		}
		// Cookie-authenticated posts from another site are refused before any action runs.
		const crossSite = await postForm(server.origin, `${path}?/rules`, loosen, {
			cookie: a.guardian.cookie,
			originHeader: 'https://evil.example'
		});
		expect(crossSite.status).toBe(403);
		expect(await state(a.child.accountId)).toEqual(before);
		expect(
			(await getPage(server.origin, '/family/acct_unknown/controls', a.guardian.cookie)).status
		).toBe(404);
	});

	it('the guardian loosens, caps and pre-approves by form; bad input names the field and changes nothing', async () => {
		const a = await household('Cy');
		const path = `/family/${a.child.accountId}/controls`;
		const page = await (await getPage(server.origin, path, a.guardian.cookie)).text();
		expect(page).toContain('Save rules');
		expect(page).toContain('Ask me before every coin purchase');

		const before = await state(a.child.accountId);
		const bad = await postForm(
			server.origin,
			`${path}?/rules`,
			{ ...loosen, quietFrom: '25:00', quietTo: '07:00' },
			{ cookie: a.guardian.cookie }
		);
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('The start of quiet hours must be a time such as 21:00.');
		const badCap = await postForm(
			server.origin,
			`${path}?/addCap`,
			{ appliesTo: 'gift', metric: 'coins', period: 'day', amount: '-5', action: 'block' },
			{ cookie: a.guardian.cookie }
		);
		expect(badCap.status).toBe(400);
		expect(await state(a.child.accountId)).toEqual(before);

		// Loosening (gifts on, gift cards on, recharges no longer asked) needs the password again,
		// typed at log-in more than ten minutes ago.
		await db()
			.updateTable('sessions')
			.set({ password_at: Date.now() - 11 * 60_000 })
			.where('account_id', '=', a.guardian.accountId)
			.execute();
		const loosened = { ...loosen, quietFrom: '21:00', quietTo: '07:00' };
		const asked = await postForm(server.origin, `${path}?/rules`, loosened, {
			cookie: a.guardian.cookie
		});
		expect(asked.status).toBe(401);
		expect(await asked.text()).toContain('password');
		const wrong = await postForm(
			server.origin,
			`${path}?/rules`,
			{ ...loosened, password: 'not my password' },
			{ cookie: a.guardian.cookie }
		);
		expect(wrong.status).toBe(400);
		expect(await state(a.child.accountId)).toEqual(before);
		const saved = await postForm(
			server.origin,
			`${path}?/rules`,
			{ ...loosened, password: 'a passphrase that is long' },
			{ cookie: a.guardian.cookie }
		);
		expect(saved.status).toBe(200);
		const rules = (await state(a.child.accountId)).rules[0]!;
		expect(rules).toMatchObject({
			gifting_allowed: 1,
			channels: 'app,web,gift_card',
			quiet_start: 1260,
			quiet_end: 420
		});
		// "Ask me before every coin purchase" was left unticked: that limit ended.
		expect((await state(a.child.accountId)).limits.every((l) => l.ends_at !== null)).toBe(true);

		const capped = await postForm(
			server.origin,
			`${path}?/addCap`,
			{ appliesTo: 'gift', metric: 'coins', period: 'day', amount: '200', action: 'block' },
			{ cookie: a.guardian.cookie }
		);
		expect(capped.status).toBe(200);
		const cap = (await state(a.child.accountId)).limits.find((l) => l.ends_at === null)!;
		expect(cap).toMatchObject({
			set_by: 'guardian',
			set_by_account_id: a.guardian.accountId,
			amount: 200
		});
		// Locked for the minor: their Budgets page cannot remove it.
		const refused = await postForm(
			server.origin,
			'/budgets?/remove',
			{ limitId: cap.id },
			{ cookie: a.child.cookie }
		);
		expect(refused.status).toBe(400);
		expect(
			(await state(a.child.accountId)).limits.find((l) => l.id === cap.id)!.ends_at
		).toBeNull();

		const standing = await postForm(
			server.origin,
			`${path}?/addStanding`,
			{ appliesTo: 'gift', period: 'week', coins: '500', creators: 'lunabeats, chefmarco' },
			{ cookie: a.guardian.cookie }
		);
		expect(standing.status).toBe(200);
		expect((await state(a.child.accountId)).standing).toHaveLength(1);
		const shown = await (await getPage(server.origin, path, a.guardian.cookie)).text();
		expect(shown).toContain('up to 500 coins a week');
	});

	it('an adult outside a family is not offered, and cannot add, an “ask a guardian” limit', async () => {
		const adult = await signedInAccount(db(), `adult-${++n}@example.com`);
		const page = await (await getPage(server.origin, '/budgets', adult.cookie)).text();
		expect(page).not.toContain('Ask a guardian to approve it');
		const response = await postForm(
			server.origin,
			'/budgets?/add',
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: '5000',
				action: 'approval'
			},
			{ cookie: adult.cookie }
		);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain(
			'Only a child in a family with a guardian can ask for approval.'
		);
		expect(
			await db()
				.selectFrom('limits')
				.select('id')
				.where('account_id', '=', adult.accountId)
				.execute()
		).toEqual([]);
	});
});
