import { afterAll, beforeAll, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access';
import * as family from '../../src/lib/server/family';
import { REAUTH_WINDOW } from '../../src/lib/server/auth/reauth';
import { describeEachDatabase } from '../support/each-database';
import { household as newHousehold } from '../support/family';
import { getPage, postForm } from '../support/http';
import { recordHistory } from '../support/ledger';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// Oversight pages, the family audit log and re-authentication, over HTTP with real cookies.

const GUARDIAN_PASSWORD = 'a passphrase that is long'; // signedInAccount's

describeEachDatabase('oversight, audit log and re-authentication over HTTP', (ctx) => {
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

	/** A second guardian of `familyId`, signed in, with a session whose password is fresh. */
	async function secondGuardian(familyId: string, name: string) {
		const other = await signedInAccount(db(), `${name}-${++n}@example.com`);
		await db()
			.insertInto('family_members')
			.values({ family_id: familyId, account_id: other.accountId, role: 'guardian', joined_at: 0 })
			.execute();
		return other;
	}

	/** Makes the session behind `cookie` one whose password was typed long ago. */
	async function passwordLongAgo(cookie: string) {
		const id = cookie.split('=')[1]!.split('.')[0]!;
		await db()
			.updateTable('sessions')
			.set({ password_at: Date.now() - REAUTH_WINDOW - 60_000 })
			.where('id', '=', id)
			.execute();
		return id;
	}

	async function membersAndLog(familyId: string) {
		const [members, log] = await Promise.all([
			family.members(db(), familyId),
			db().selectFrom('audit_log').select('id').where('family_id', '=', familyId).execute()
		]);
		return { members: members.map((m) => m.accountId).sort(), log: log.length };
	}

	const PAGES = ['', '/history', '/creators'];

	it("following a waiting purchase (shop and live page): only one's own; bad, unknown and other people's ids change nothing", async () => {
		const a = await household('Ed');
		const b = await household('Flo');
		// The child buys a pack in the shop: a minor's recharge waits for a guardian.
		await db()
			.insertInto('coin_packs')
			.values({ id: 'pack_follow_eur', coins: 700, price_amount: 999, currency: 'EUR' })
			.onConflict((oc) => oc.doNothing())
			.execute();
		const bought = await postForm(
			server.origin,
			'/shop?/buy',
			{
				idempotencyKey: crypto.randomUUID(),
				packId: 'pack_follow_eur',
				paymentMethod: 'card',
				simulateFailure: ''
			},
			{ cookie: a.child.cookie }
		);
		expect(bought.status).toBe(200);
		const { id } = await db()
			.selectFrom('authorizations')
			.select('id')
			.where('account_id', '=', a.child.accountId)
			.where('status', '=', 'pending_approval')
			.executeTakeFirstOrThrow();
		const status = async () =>
			(
				await db()
					.selectFrom('authorizations')
					.select('status')
					.where('id', '=', id)
					.executeTakeFirstOrThrow()
			).status;

		await db()
			.insertInto('creators')
			.values({
				id: 'cr_follow',
				handle: 'followstar',
				display_name: 'Follow Star',
				first_seen_at: 0
			})
			.onConflict((oc) => oc.doNothing())
			.execute();
		for (const page of ['/shop', '/live/followstar']) {
			const follow = (authorizationId: string, cookie: string) =>
				postForm(server.origin, `${page}?/follow`, { authorizationId }, { cookie });
			const mine = await follow(id, a.child.cookie);
			expect(mine.status, page).toBe(200);
			expect(await mine.text(), page).toMatch(/waiting/i);

			for (const [who, cookie] of [
				["family B's minor", b.child.cookie],
				["family B's guardian", b.guardian.cookie]
			] as const) {
				const theirs = await follow(id, cookie);
				expect(theirs.status, `${page} ${who}`).toBe(404);
				expect(await theirs.text(), `${page} ${who}`).toContain('That purchase was not found');
			}
			// An id that looks like HTML is only an unknown id, and is not echoed back.
			for (const unknownId of ['auth_doesnotexist', '<script>alert(1)</script>']) {
				const unknown = await follow(unknownId, a.child.cookie);
				expect(unknown.status, `${page} ${unknownId}`).toBe(404);
				const body = await unknown.text();
				expect(body).toContain('That purchase was not found');
				expect(body).not.toContain('<script>alert(1)');
			}
			for (const bad of ['', `auth_${'x'.repeat(500)}`]) {
				const refused = await follow(bad, a.child.cookie);
				expect(refused.status, `${page} ${bad.slice(0, 20)}`).toBe(400);
				expect(await refused.text()).toContain('Reload the page and try again.');
			}
		}
		expect(await status()).toBe('pending_approval');
	});

	it("a creator's page: one's own and a minor's by its guardian; another family's, an unknown creator and a tampered page link are refused", async () => {
		const a = await household('Cy');
		const b = await household('Di');
		await db()
			.insertInto('creators')
			.values({ id: 'cr_page', handle: null, display_name: 'Page Star', first_seen_at: 0 })
			.onConflict((oc) => oc.doNothing())
			.execute();
		const gifts = (prefix: string) =>
			Array.from({ length: 3 }, (_, i) => ({
				id: `led_${prefix}_${i}`,
				kind: 'gift' as const,
				coins: -(10 + i),
				creatorId: 'cr_page',
				at: Date.now() - (i + 1) * 60_000
			}));
		await recordHistory(db(), a.child.accountId, gifts(`cp_${n}`));
		await recordHistory(db(), a.guardian.accountId, gifts(`gp_${n}`));

		const own = await getPage(server.origin, '/creators/cr_page', a.guardian.cookie);
		expect(own.status).toBe(200);
		expect(await own.text()).toContain('Page Star');
		const minors = `/family/${a.child.accountId}/creators/cr_page`;
		const seen = await getPage(server.origin, minors, a.guardian.cookie);
		expect(seen.status).toBe(200);
		expect(await seen.text()).toContain('Page Star');

		// Family B's guardian reads neither the minor nor, through it, the creator's gifts.
		const other = await getPage(server.origin, minors, b.guardian.cookie);
		expect(other.status).toBe(404);
		expect(await other.text()).not.toContain('Page Star');
		for (const path of ['/creators/cr_nobody', `/family/${a.child.accountId}/creators/cr_nobody`]) {
			const unknown = await getPage(server.origin, path, a.guardian.cookie);
			expect(unknown.status, path).toBe(404);
			expect(await unknown.text(), path).toContain('No such creator');
		}
		for (const query of [
			'?before=1_DROP%20TABLE',
			'?after=%3Cscript%3E',
			`?before=${'9'.repeat(40)}_led_x`
		]) {
			const tampered = await getPage(server.origin, `/creators/cr_page${query}`, a.guardian.cookie);
			expect(tampered.status, query).toBe(400);
			expect(await tampered.text(), query).toContain('That page link is broken');
		}
	});

	it("a guardian reads their minor's pages, without a single form; family B's minor is not found", async () => {
		const a = await household('Ada');
		const b = await household('Bo');
		for (const suffix of PAGES) {
			const own = await getPage(
				server.origin,
				`/family/${a.child.accountId}${suffix}`,
				a.guardian.cookie
			);
			expect(own.status, suffix).toBe(200);
			const html = await own.text();
			expect(html).toContain(a.child.name);
			expect(html).toContain(`href="/family/${a.child.accountId}/controls"`);
			// Read-only: the only form that posts is the header's log-out button (the history's
			// filters and the Creators period are GET forms: they only pick what to show).
			expect(html.match(/<form[^>]*method="POST"/gi)).toHaveLength(1);
			const getForms = suffix === '/history' || suffix === '/creators' ? 1 : 0;
			expect(html.match(/<form/g)!.length - 1).toBe(getForms);
			expect(html).toMatch(/<form method="POST" action="\/logout"/);

			for (const id of [b.child.accountId, b.guardian.accountId, 'acct_doesnotexist']) {
				const other = await getPage(server.origin, `/family/${id}${suffix}`, a.guardian.cookie);
				expect(other.status, `${id}${suffix}`).toBe(404);
				const body = await other.text();
				expect(body).not.toContain(b.child.name);
			}
		}
		const list = await (await getPage(server.origin, '/family', a.guardian.cookie)).text();
		expect(list).toContain(`href="/family/${a.child.accountId}"`);

		// A child reads their own overview (without Controls), never a sibling's.
		const sibling = await family.createMinor(
			db(),
			await access.userActor(db(), { id: a.guardian.accountId, isMinor: false }),
			{ email: `sib-${++n}@example.com`, displayName: 'Sibling', password: 'a kid passphrase' }
		);
		const mine = await getPage(server.origin, `/family/${a.child.accountId}`, a.child.cookie);
		expect(mine.status).toBe(200);
		expect(await mine.text()).not.toContain('/controls"');
		for (const suffix of PAGES) {
			const theirs = await getPage(server.origin, `/family/${sibling.id}${suffix}`, a.child.cookie);
			expect(theirs.status, suffix).toBe(404);
		}
	});

	it("the audit log shows only the viewer's family; a minor sees what is about them", async () => {
		const a = await household('Cy');
		const b = await household('Di');
		const page = await getPage(server.origin, '/family/audit', a.guardian.cookie);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Created the family');
		expect(html).toContain("Created a child's account");
		expect(html).toContain(a.child.name);
		expect(html).not.toContain(b.child.name);
		expect(html).not.toContain('Di family');

		// The minor: their own account's creation, not another family's log.
		const minorView = await (await getPage(server.origin, '/family/audit', a.child.cookie)).text();
		expect(minorView).toContain("Created a child's account");
		expect(minorView).not.toContain('Created the family');
		expect(minorView).not.toContain(b.child.name);
	});

	it('a minor cannot remove a guardian or another minor, and nothing changes', async () => {
		const a = await household('Ed');
		const other = await secondGuardian(a.familyId, 'Ed2');
		const before = await membersAndLog(a.familyId);
		const posts: [string, Record<string, string>][] = [
			['removeGuardian', { guardianId: a.guardian.accountId, confirm: 'yes' }],
			['removeGuardian', { guardianId: other.accountId, confirm: 'yes' }],
			['removeMinor', { minorId: a.child.accountId, confirm: 'yes' }]
		];
		for (const [action, fields] of posts) {
			const response = await postForm(server.origin, `/family?/${action}`, fields, {
				cookie: a.child.cookie
			});
			expect(response.status, action).toBe(404);
		}
		expect(await membersAndLog(a.familyId)).toEqual(before);
	});

	it('removing a minor with an old password asks for it; a wrong one changes nothing; the right one removes', async () => {
		const a = await household('Flo');
		const sessionId = await passwordLongAgo(a.guardian.cookie);
		const before = await membersAndLog(a.familyId);
		const remove = (extra: Record<string, string> = {}) =>
			postForm(
				server.origin,
				'/family?/removeMinor',
				{ minorId: a.child.accountId, confirm: 'yes', ...extra },
				{ cookie: a.guardian.cookie }
			);

		// The confirm step already shows the password field.
		const ask = await postForm(
			server.origin,
			'/family?/removeMinor',
			{ minorId: a.child.accountId },
			{ cookie: a.guardian.cookie }
		);
		expect(await ask.text()).toMatch(/<input[^>]*name="password"[^>]*type="password"/);

		const asked = await remove();
		expect(asked.status).toBe(401);
		const askedHtml = await asked.text();
		expect(askedHtml).toContain('This change needs your password again');
		expect(askedHtml).toMatch(/<input[^>]*name="password"/);
		expect(await membersAndLog(a.familyId)).toEqual(before);

		const wrong = await remove({ password: 'not the password at all' });
		expect(wrong.status).toBe(400);
		expect(await wrong.text()).toContain('That password is wrong, so nothing was changed.');
		expect(await membersAndLog(a.familyId)).toEqual(before);

		const right = await remove({ password: GUARDIAN_PASSWORD });
		expect(right.status).toBe(200);
		expect(await right.text()).toContain(`${a.child.name} is no longer in the family.`);
		expect(await family.familyOf(db(), a.child.accountId)).toBeNull();
		const session = await db()
			.selectFrom('sessions')
			.select('password_at')
			.where('id', '=', sessionId)
			.executeTakeFirstOrThrow();
		expect(Date.now() - session.password_at!).toBeLessThan(REAUTH_WINDOW);
	});

	it('a guardian removes another guardian (password fresh); every guardian sees it in the log', async () => {
		const a = await household('Gus');
		const other = await secondGuardian(a.familyId, 'Gus2');
		const response = await postForm(
			server.origin,
			'/family?/removeGuardian',
			{ guardianId: other.accountId, confirm: 'yes' },
			{ cookie: a.guardian.cookie }
		);
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('is no longer a guardian of this family');
		expect(await family.familyOf(db(), other.accountId)).toBeNull();
		const log = await (await getPage(server.origin, '/family/audit', a.guardian.cookie)).text();
		expect(log).toContain('Removed a guardian from the family');

		// Never oneself: the last guardian cannot go either.
		const self = await postForm(
			server.origin,
			'/family?/removeGuardian',
			{ guardianId: a.guardian.accountId, confirm: 'yes' },
			{ cookie: a.guardian.cookie }
		);
		expect(self.status).toBe(404);
		expect((await family.familyOf(db(), a.guardian.accountId))?.role).toBe('guardian');
	});

	it('logging out of a family member is in the log, with who', async () => {
		const a = await household('Hal');
		const response = await postForm(server.origin, '/logout', {}, { cookie: a.child.cookie });
		expect(response.status).toBe(303);
		const log = await (await getPage(server.origin, '/family/audit', a.guardian.cookie)).text();
		expect(log).toMatch(new RegExp(`<strong>${a.child.name}</strong>: Logged out`));
	});
});
