import { afterAll, beforeAll, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access';
import * as family from '../../src/lib/server/family';
import { describeEachDatabase } from '../support/each-database';
import { household as newHousehold } from '../support/family';
import { getPage, postForm } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

describeEachDatabase('families over HTTP', (ctx) => {
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

	/** Everything a family change could touch, to show that a refusal changed nothing. */
	async function snapshot() {
		const [members, invites, log, accountCount] = await Promise.all([
			db().selectFrom('family_members').selectAll().orderBy('account_id').execute(),
			db().selectFrom('family_invites').select('id').orderBy('id').execute(),
			db().selectFrom('audit_log').select('id').orderBy('id').execute(),
			db()
				.selectFrom('accounts')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		]);
		return { members, invites, log, accounts: Number(accountCount.n) };
	}

	it("a guardian of family A gets not-found for family B's minor on every action, and nothing changes", async () => {
		const a = await household('Ava');
		const b = await household('Ben');
		const before = await snapshot();
		for (const confirm of ['', 'yes']) {
			const response = await postForm(
				server.origin,
				'/family?/removeMinor',
				{ minorId: b.child.accountId, confirm },
				{ cookie: a.guardian.cookie }
			);
			expect(response.status).toBe(404);
			const body = await response.text();
			expect(body).toContain('Not found: nothing was changed.');
			expect(body).not.toContain(b.child.name);
		}
		const page = await (await getPage(server.origin, '/family', a.guardian.cookie)).text();
		expect(page).toContain(a.child.name);
		expect(page).toMatch(/<form[^>]*action="\?\/removeMinor"/);
		expect(page).not.toContain(b.child.name);
		expect(await snapshot()).toEqual(before);
	});

	it('a minor posting the guardian actions directly is refused, and nothing changes', async () => {
		const a = await household('Cleo');
		const sibling = await family.createMinor(
			db(),
			await access.userActor(db(), { id: a.guardian.accountId, isMinor: false }),
			{ email: `sib-${++n}@example.com`, displayName: 'Sibling', password: 'a kid passphrase' }
		);
		const before = await snapshot();
		const posts: [string, Record<string, string>][] = [
			['removeMinor', { minorId: a.child.accountId, confirm: 'yes' }], // leaving
			['removeMinor', { minorId: sibling.id, confirm: 'yes' }],
			['removeMinor', { minorId: a.guardian.accountId, confirm: 'yes' }],
			[
				'addChild',
				{ email: `x-${++n}@example.com`, displayName: 'X', password: 'a kid passphrase' }
			],
			['invite', { role: 'guardian' }],
			['invite', { role: 'minor' }]
		];
		for (const [action, fields] of posts) {
			const response = await postForm(server.origin, `/family?/${action}`, fields, {
				cookie: a.child.cookie
			});
			expect(response.status, action).toBe(404);
		}
		const create = await postForm(
			server.origin,
			'/family?/create',
			{ name: 'Mine' },
			{ cookie: a.child.cookie }
		);
		expect(create.status).toBe(403);
		expect(await snapshot()).toEqual(before);

		// The minor's page: the family and its guardians, nothing to change or leave with.
		const page = await (await getPage(server.origin, '/family', a.child.cookie)).text();
		expect(page).toContain('Cleo family');
		expect(page).toContain('You are in this family as a child.');
		expect(page).not.toMatch(/<form[^>]*action="\?\/(removeMinor|addChild|invite|create|join)"/);
		expect(page).not.toContain('Sibling');
	});

	it('refuses a family form posted from another site', async () => {
		const a = await household('Dan');
		const before = await snapshot();
		const response = await postForm(
			server.origin,
			'/family?/removeMinor',
			{ minorId: a.child.accountId, confirm: 'yes' },
			{ cookie: a.guardian.cookie, originHeader: 'https://evil.example' }
		);
		expect(response.status).toBe(403);
		expect(await snapshot()).toEqual(before);
	});

	it('a guardian removes a child after a confirm step; the account stays', async () => {
		const a = await household('Eve');
		const ask = await postForm(
			server.origin,
			'/family?/removeMinor',
			{ minorId: a.child.accountId },
			{ cookie: a.guardian.cookie }
		);
		expect(ask.status).toBe(200);
		expect(await ask.text()).toContain(`Remove ${a.child.name} from the family?`);
		expect(await family.familyOf(db(), a.child.accountId)).not.toBeNull();

		const done = await postForm(
			server.origin,
			'/family?/removeMinor',
			{ minorId: a.child.accountId, confirm: 'yes' },
			{ cookie: a.guardian.cookie }
		);
		expect(done.status).toBe(200);
		expect(await done.text()).toContain(`${a.child.name} is no longer in the family.`);
		expect(await family.familyOf(db(), a.child.accountId)).toBeNull();
		expect(await getPage(server.origin, '/', a.child.cookie).then((r) => r.status)).toBe(200);
	});

	it('creates a family, adds a child (naming a bad field), invites a guardian who joins', async () => {
		const adult = await signedInAccount(db(), `frank-${++n}@example.com`);
		const created = await postForm(
			server.origin,
			'/family?/create',
			{ name: 'Franks' },
			{ cookie: adult.cookie }
		);
		expect(created.status).toBe(200);
		const mine = await family.familyOf(db(), adult.accountId);
		expect(mine).toMatchObject({ family: { name: 'Franks' }, role: 'guardian' });

		const child = { email: 'not-an-email', displayName: 'Fin', password: 'a kid passphrase' };
		const bad = await postForm(server.origin, '/family?/addChild', child, {
			cookie: adult.cookie
		});
		expect(bad.status).toBe(400);
		const badBody = await bad.text();
		expect(badBody).toContain('That does not look like an e-mail address');
		expect(badBody).toMatch(/id="child-email"[^>]*aria-invalid="true"/);
		const good = await postForm(
			server.origin,
			'/family?/addChild',
			{ ...child, email: `fin-${++n}@example.com`, birthYear: '2014' },
			{ cookie: adult.cookie }
		);
		expect(good.status).toBe(200);
		expect(await good.text()).toContain("Fin's account is ready");
		const members = await family.members(db(), mine!.family.id);
		expect(members).toMatchObject([
			{ role: 'guardian' },
			{ role: 'minor', displayName: 'Fin', birthYear: 2014 }
		]);

		const invited = await postForm(
			server.origin,
			'/family?/invite',
			{ role: 'guardian' },
			{ cookie: adult.cookie }
		);
		const code = /data-testid="invite-code">([^<]+)</.exec(await invited.text())?.[1];
		expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
		const partner = await signedInAccount(db(), `partner-${++n}@example.com`);
		const joined = await postForm(
			server.origin,
			'/family?/join',
			{ code: code! },
			{ cookie: partner.cookie }
		);
		expect(joined.status).toBe(200);
		expect(await joined.text()).toContain('You joined the family as a guardian.');
		expect(await family.familyOf(db(), partner.accountId)).toMatchObject({
			family: { id: mine!.family.id },
			role: 'guardian'
		});

		const again = await signedInAccount(db(), `late-${++n}@example.com`);
		const reused = await postForm(
			server.origin,
			'/family?/join',
			{ code: code! },
			{ cookie: again.cookie }
		);
		expect(reused.status).toBe(400);
		expect(await reused.text()).toContain('That code does not work');
		expect(await family.familyOf(db(), again.accountId)).toBeNull();
	});
	it("family.get answers the caller's family as they may see it", async () => {
		const a = await household('Gil');
		const get = async (cookie?: string) => {
			const response = await fetch(`${server.origin}/api/trpc/family.get`, {
				headers: cookie ? { cookie } : {}
			});
			return { status: response.status, body: await response.json() };
		};
		const asGuardian = await get(a.guardian.cookie);
		expect(asGuardian.status).toBe(200);
		expect(asGuardian.body.result.data).toMatchObject({
			family: { id: a.familyId, name: 'Gil family', role: 'guardian' },
			members: [
				{ accountId: a.guardian.accountId, role: 'guardian' },
				{ accountId: a.child.accountId, role: 'minor', displayName: a.child.name }
			]
		});
		const asChild = (await get(a.child.cookie)).body.result.data;
		expect(asChild.family).toEqual({ id: a.familyId, name: 'Gil family', role: 'minor' });
		expect(asChild.members.map((m: { role: string }) => m.role)).toEqual(['guardian']);

		const loner = await signedInAccount(db(), `loner-${++n}@example.com`);
		expect((await get(loner.cookie)).body.result.data).toEqual({ family: null, members: [] });
		expect((await get()).status).toBe(401);
	});
});
