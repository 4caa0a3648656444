import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as access from '../access';
import * as accounts from '../accounts';
import * as family from '.';

const T = Date.UTC(2026, 10, 23, 12);
const DAY = 24 * 60 * 60_000;

describeEachDatabase('family', (ctx) => {
	let n = 0;
	const db = () => ctx.database.db;

	/** A new account and its actor (is_minor as asked). */
	async function person(isMinor = false) {
		const account = await accounts.create(db(), {
			email: `p${++n}@example.com`,
			displayName: `Person ${n}`,
			password: 'a long enough passphrase',
			timeZone: 'Europe/London',
			currency: 'GBP',
			isMinor
		});
		return account;
	}
	const actor = (account: { id: string; is_minor: number }) =>
		access.userActor(db(), { id: account.id, isMinor: account.is_minor === 1 });

	/** A guardian with a family of their own. */
	async function guardianWithFamily() {
		const account = await person();
		const created = await family.create(db(), await actor(account), { name: 'The Ps' }, T);
		return { account, familyId: created.id, actor: await actor(account) };
	}

	const childInput = (email: string) => ({
		email,
		displayName: 'Kid',
		password: 'a kid passphrase',
		birthYear: 2012
	});

	const rejection = (promise: Promise<unknown>) =>
		promise.then(
			() => {
				throw new Error('expected a refusal');
			},
			(error: unknown) => error
		);

	async function membership(accountId: string) {
		return db()
			.selectFrom('family_members')
			.select(['family_id', 'role'])
			.where('account_id', '=', accountId)
			.executeTakeFirst();
	}

	it('an adult creates a family and becomes its guardian; a second family is refused', async () => {
		const { account, familyId, actor: guardian } = await guardianWithFamily();
		expect(guardian.family).toEqual({ id: familyId, role: 'guardian' });
		expect(await family.familyOf(db(), account.id)).toMatchObject({
			family: { id: familyId, name: 'The Ps', approval_ttl_seconds: null },
			role: 'guardian'
		});
		const again = await rejection(family.create(db(), guardian, { name: 'Another' }));
		expect(again).toMatchObject({ code: 'CONFLICT' });
		const log = await family.audit.list(db(), familyId);
		expect(log).toMatchObject([
			{ action: 'family.created', actor_id: account.id, subject_id: account.id, at: T }
		]);
	});

	it('refuses an empty family name with the field named', async () => {
		const adult = await actor(await person());
		expect(await rejection(family.create(db(), adult, { name: '  ' }))).toMatchObject({
			code: 'BAD_REQUEST',
			field: 'name'
		});
		expect(await membership(adult.accountId)).toBeUndefined();
	});

	it('a minor cannot create a family', async () => {
		const minor = await actor(await person(true));
		const refused = await rejection(family.create(db(), minor, { name: 'Mine' }));
		expect(refused).toMatchObject({ code: 'FORBIDDEN' });
		expect(await membership(minor.accountId)).toBeUndefined();
	});

	it("a guardian creates a child's account in the family, living where the guardian does", async () => {
		const { familyId, actor: guardian, account } = await guardianWithFamily();
		const child = await family.createMinor(db(), guardian, childInput('kid1@example.com'), T + 1);
		expect(child).toMatchObject({
			is_minor: 1,
			birth_year: 2012,
			time_zone: 'Europe/London',
			currency: 'GBP',
			email: 'kid1@example.com'
		});
		expect(await membership(child.id)).toEqual({ family_id: familyId, role: 'minor' });
		expect(await family.members(db(), familyId)).toMatchObject([
			{ accountId: account.id, role: 'guardian' },
			{ accountId: child.id, role: 'minor', birthYear: 2012, displayName: 'Kid' }
		]);
		const [entry] = await family.audit.list(db(), familyId);
		expect(entry).toMatchObject({
			action: 'minor.created',
			actor_id: account.id,
			subject_id: child.id,
			before: null
		});
		expect(JSON.parse(entry!.after!)).toMatchObject({ role: 'minor', birthYear: 2012 });
	});

	it('refuses a bad or taken e-mail for a child, naming the field, and creates nothing', async () => {
		const { actor: guardian, familyId } = await guardianWithFamily();
		const taken = await person();
		expect(
			await rejection(family.createMinor(db(), guardian, childInput(taken.email)))
		).toMatchObject({ code: 'CONFLICT', field: 'email' });
		expect(
			await rejection(family.createMinor(db(), guardian, childInput('not an e-mail')))
		).toMatchObject({ code: 'BAD_REQUEST', field: 'email' });
		expect(
			await rejection(
				family.createMinor(db(), guardian, { ...childInput('k@example.com'), birthYear: 1990 })
			)
		).toMatchObject({ code: 'BAD_REQUEST', field: 'birthYear' });
		expect(await family.members(db(), familyId)).toHaveLength(1);
		expect(await accounts.findByEmail(db(), 'k@example.com')).toBeUndefined();
	});

	it('only a guardian adds a child: an adult outside the family and a minor get not-found', async () => {
		const { actor: guardian } = await guardianWithFamily();
		const child = await family.createMinor(db(), guardian, childInput('kid2@example.com'));
		const minor = await actor(child);
		const outsider = await actor(await person());
		for (const who of [minor, outsider]) {
			expect(
				await rejection(family.createMinor(db(), who, childInput(`x${++n}@example.com`)))
			).toBeInstanceOf(access.NotFoundError);
			expect(await rejection(family.invite(db(), who, 'guardian'))).toBeInstanceOf(
				access.NotFoundError
			);
			expect(await rejection(family.invite(db(), who, 'minor'))).toBeInstanceOf(
				access.NotFoundError
			);
		}
	});

	it('a code lets one account join once, as the role it grants; it ignores case and dashes', async () => {
		const { actor: guardian, familyId } = await guardianWithFamily();
		const { code, role, expiresAt } = await family.invite(db(), guardian, 'guardian', T);
		expect(role).toBe('guardian');
		expect(expiresAt).toBe(T + 7 * DAY);
		expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
		const stored = await db().selectFrom('family_invites').selectAll().execute();
		expect(JSON.stringify(stored)).not.toContain(code.replaceAll('-', '').toLowerCase());

		const second = await person();
		const joined = await family.join(
			db(),
			await actor(second),
			` ${code.toLowerCase().replaceAll('-', ' ')} `,
			T + 1
		);
		expect(joined).toEqual({ familyId, role: 'guardian' });
		expect(await membership(second.id)).toEqual({ family_id: familyId, role: 'guardian' });
		const [entry] = await family.audit.list(db(), familyId);
		expect(entry).toMatchObject({ action: 'member.joined', actor_id: second.id });

		const third = await person();
		expect(await rejection(family.join(db(), await actor(third), code, T + 2))).toMatchObject({
			code: 'BAD_REQUEST',
			field: 'code'
		});
		expect(await membership(third.id)).toBeUndefined();
	});

	it('an expired code is refused', async () => {
		const { actor: guardian } = await guardianWithFamily();
		const { code } = await family.invite(db(), guardian, 'guardian', T);
		const late = await person();
		expect(await rejection(family.join(db(), await actor(late), code, T + 7 * DAY))).toMatchObject({
			code: 'BAD_REQUEST',
			field: 'code'
		});
		expect(await membership(late.id)).toBeUndefined();
	});

	it("a minor joins only with a child's code, an adult only with a guardian's; a refusal keeps the code", async () => {
		const { actor: guardian, familyId } = await guardianWithFamily();
		const guardianCode = (await family.invite(db(), guardian, 'guardian', T)).code;
		const minorCode = (await family.invite(db(), guardian, 'minor', T)).code;
		const kid = await actor(await person(true));
		const adult = await actor(await person());

		expect(await rejection(family.join(db(), kid, guardianCode, T))).toMatchObject({
			code: 'FORBIDDEN'
		});
		expect(await rejection(family.join(db(), adult, minorCode, T))).toMatchObject({
			code: 'BAD_REQUEST'
		});
		expect(await membership(kid.accountId)).toBeUndefined();
		expect(await membership(adult.accountId)).toBeUndefined();

		// Both codes are still good for the right account.
		expect(await family.join(db(), kid, minorCode, T)).toEqual({ familyId, role: 'minor' });
		expect(await family.join(db(), adult, guardianCode, T)).toEqual({ familyId, role: 'guardian' });
	});

	it('joining a second family is refused, and the code stays unused', async () => {
		const a = await guardianWithFamily();
		const b = await guardianWithFamily();
		const { code } = await family.invite(db(), b.actor, 'guardian', T);
		expect(await rejection(family.join(db(), a.actor, code, T))).toMatchObject({
			code: 'CONFLICT'
		});
		// The same, when the actor was read before it joined elsewhere: the database decides.
		const newcomer = await person();
		const stale = await actor(newcomer);
		const { code: codeA } = await family.invite(db(), a.actor, 'guardian', T);
		await family.join(db(), stale, codeA, T);
		expect(await rejection(family.join(db(), stale, code, T))).toMatchObject({
			code: 'CONFLICT'
		});
		expect(await membership(newcomer.id)).toEqual({ family_id: a.familyId, role: 'guardian' });
		const invite = await db()
			.selectFrom('family_invites')
			.select(['used_at', 'used_by'])
			.where('family_id', '=', b.familyId)
			.executeTakeFirstOrThrow();
		expect(invite).toEqual({ used_at: null, used_by: null });
	});

	it('two accounts using one code at once: exactly one joins', async () => {
		const { actor: guardian, familyId } = await guardianWithFamily();
		const { code } = await family.invite(db(), guardian, 'guardian', T);
		const racers = await Promise.all([person(), person(), person(), person()]);
		const actors = await Promise.all(racers.map(actor));
		const results = await Promise.allSettled(actors.map((a) => family.join(db(), a, code, T)));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const members = await family.members(db(), familyId);
		expect(members.filter((m) => m.role === 'guardian')).toHaveLength(2);
	});

	it('a guardian removes a minor: the account stays, the family and the log say so', async () => {
		const { actor: guardian, familyId, account } = await guardianWithFamily();
		const child = await family.createMinor(db(), guardian, childInput(`kid${++n}@example.com`), T);
		await family.removeMinor(db(), guardian, child.id, T + 5);
		expect(await membership(child.id)).toBeUndefined();
		expect(await accounts.get(db(), child.id)).toMatchObject({ id: child.id, is_minor: 1 });
		const [entry] = await family.audit.list(db(), familyId);
		expect(entry).toMatchObject({
			action: 'minor.removed',
			actor_id: account.id,
			subject_id: child.id,
			after: null,
			at: T + 5
		});
		expect(JSON.parse(entry!.before!)).toEqual({ role: 'minor' });
	});

	it('a minor cannot leave, remove anyone or invite; another family cannot remove; a guardian is not removed as a minor', async () => {
		const a = await guardianWithFamily();
		const b = await guardianWithFamily();
		const childA = await family.createMinor(db(), a.actor, childInput(`a${++n}@example.com`));
		const siblingA = await family.createMinor(db(), a.actor, childInput(`s${++n}@example.com`));
		const childB = await family.createMinor(db(), b.actor, childInput(`b${++n}@example.com`));
		const minorA = await actor(childA);
		const logBefore = await family.audit.list(db(), a.familyId);

		const attempts = [
			() => family.removeMinor(db(), minorA, childA.id), // leaving
			() => family.removeMinor(db(), minorA, siblingA.id),
			() => family.removeMinor(db(), minorA, a.account.id),
			() => family.removeMinor(db(), b.actor, childA.id), // another family's guardian
			() => family.removeMinor(db(), a.actor, childB.id),
			() => family.removeMinor(db(), a.actor, a.account.id), // a guardian is no minor
			() => family.removeMinor(db(), a.actor, 'acct_nope'),
			() => family.invite(db(), minorA, 'minor')
		];
		for (const attempt of attempts) {
			expect(await rejection(attempt())).toBeInstanceOf(access.NotFoundError);
		}
		expect(await membership(childA.id)).toEqual({ family_id: a.familyId, role: 'minor' });
		expect(await membership(siblingA.id)).toEqual({ family_id: a.familyId, role: 'minor' });
		expect(await membership(childB.id)).toEqual({ family_id: b.familyId, role: 'minor' });
		expect(await family.audit.list(db(), a.familyId)).toEqual(logBefore);
	});

	it('access: each permission answers for its own object only', async () => {
		const a = await guardianWithFamily();
		const b = await guardianWithFamily();
		const childA = await family.createMinor(db(), a.actor, childInput(`r${++n}@example.com`));
		const childB = await family.createMinor(db(), b.actor, childInput(`r${++n}@example.com`));
		const minorA = await actor(childA);
		const allowed = (who: access.Actor, permission: access.Permission, id: string) =>
			access.require(db(), who, permission, id).then(
				() => true,
				(error) => {
					if (error instanceof access.NotFoundError) return false;
					throw error;
				}
			);

		expect(await allowed(a.actor, 'family.read', a.familyId)).toBe(true);
		expect(await allowed(a.actor, 'family.manage', a.familyId)).toBe(true);
		expect(await allowed(a.actor, 'minor.read', childA.id)).toBe(true);
		expect(await allowed(a.actor, 'minor.manage', childA.id)).toBe(true);
		expect(await allowed(minorA, 'family.read', a.familyId)).toBe(true);
		expect(await allowed(minorA, 'minor.read', childA.id)).toBe(true);

		expect(await allowed(minorA, 'family.manage', a.familyId)).toBe(false);
		expect(await allowed(minorA, 'minor.manage', childA.id)).toBe(false);
		expect(await allowed(a.actor, 'family.read', b.familyId)).toBe(false);
		expect(await allowed(a.actor, 'minor.read', childB.id)).toBe(false);
		expect(await allowed(a.actor, 'minor.manage', childB.id)).toBe(false);
		expect(await allowed(minorA, 'minor.read', childB.id)).toBe(false);
		// An adult reading themself is no minor read.
		expect(await allowed(a.actor, 'minor.read', a.account.id)).toBe(false);
	});

	it('the database accepts each family role and refuses others', async () => {
		const { familyId } = await guardianWithFamily();
		const insert = async (role: string) => {
			const account = await person();
			return db()
				.insertInto('family_members')
				.values({
					family_id: familyId,
					account_id: account.id,
					role: role as 'minor',
					joined_at: T
				})
				.execute();
		};
		const { FAMILY_ROLES } = await import('../../schemas/family');
		for (const role of FAMILY_ROLES) await insert(role);
		await expect(insert('operator')).rejects.toThrow();
	});
});
