import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as access from '../access';
import * as accounts from '../accounts';
import * as endings from '../auth/endings';
import * as reauth from '../auth/reauth';
import * as sessions from '../auth/sessions';
import * as budgets from '../policy/budgets';
import * as limits from '../policy/limits';
import * as family from '.';

const T = Date.UTC(2026, 10, 26, 12);
const MINUTE = 60_000;
const PASSWORD = 'a long enough passphrase';

describeEachDatabase('family audit log', (ctx) => {
	let n = 0;
	const db = () => ctx.database.db;

	async function person(isMinor = false) {
		return accounts.create(db(), {
			email: `audit${++n}@example.com`,
			displayName: `Person ${n}`,
			password: PASSWORD,
			timeZone: 'Europe/London',
			currency: 'GBP',
			isMinor
		});
	}
	const actor = (account: { id: string; is_minor: number }) =>
		access.userActor(db(), { id: account.id, isMinor: account.is_minor === 1 });

	/** A family of two guardians and a minor. */
	async function household() {
		const [guardian, other, minor] = [await person(), await person(), await person(true)];
		const familyId = await family.link(db(), guardian.id, minor.id, T);
		await family.link(db(), other.id, minor.id, T);
		return { guardian, other, minor, familyId };
	}

	/** The log's entries of `action`, oldest first, with before and after parsed. */
	async function entries(familyId: string, action: string) {
		const log = await family.audit.list(db(), familyId);
		return log
			.filter((e) => e.action === action)
			.reverse()
			.map((e) => ({
				...e,
				before: e.before === null ? null : JSON.parse(e.before),
				after: e.after === null ? null : JSON.parse(e.after)
			}));
	}

	const weeklyCoins = {
		appliesTo: 'recharge',
		metric: 'coins',
		period: 'week',
		amount: 500,
		currency: null,
		creatorId: null,
		action: 'block'
	} as const;

	it("records a guardian's limit on a minor, with who set it and the limit in words", async () => {
		const { guardian, minor, familyId } = await household();
		await limits.add(db(), minor.id, weeklyCoins, { role: 'guardian', accountId: guardian.id }, T);
		const [added] = await entries(familyId, 'limit.added');
		expect(added).toMatchObject({
			actor_id: guardian.id,
			subject_id: minor.id,
			before: null,
			after: { limit: 'At most 500 coins bought per week — block', setBy: 'guardian' },
			at: T
		});
	});

	it('records a tightening, a raise waiting its cool-off and a removal, each with before and after', async () => {
		const { minor, familyId } = await household();
		const account = { id: minor.id, currency: minor.currency };
		const own = await budgets.add(db(), account, weeklyCoins, T);
		await budgets.change(db(), account, own.id, { ...weeklyCoins, amount: 300 }, T + MINUTE);
		const [tighter] = await entries(familyId, 'limit.changed');
		expect(tighter).toMatchObject({
			actor_id: minor.id,
			before: { limit: 'At most 500 coins bought per week — block' },
			after: { limit: 'At most 300 coins bought per week — block', effectiveAt: T + MINUTE }
		});
		// The minor's own limit, not the "every recharge waits" one a minor starts with.
		const current = (await limits.list(db(), minor.id, T + 2 * MINUTE)).find(
			(l) => l.set_by === 'self' && l.ends_at === null
		)!;
		const { effectiveAt } = await budgets.change(
			db(),
			account,
			current.id,
			{ ...weeklyCoins, amount: 900 },
			T + 2 * MINUTE
		);
		expect(effectiveAt).toBe(T + 2 * MINUTE + budgets.COOL_OFF);
		const [raise] = await entries(familyId, 'limit.raise_scheduled');
		expect(raise).toMatchObject({
			before: { limit: 'At most 300 coins bought per week — block' },
			after: { limit: 'At most 900 coins bought per week — block', effectiveAt }
		});
		const standing = (await limits.list(db(), minor.id, T + 3 * MINUTE)).find(
			(l) => l.set_by === 'self' && l.amount === 900
		);
		const { endsAt } = await budgets.remove(db(), minor.id, standing!.id, T + 3 * MINUTE);
		const [removed] = await entries(familyId, 'limit.removed');
		expect(removed).toMatchObject({
			actor_id: minor.id,
			subject_id: minor.id,
			before: { limit: 'At most 900 coins bought per week — block' },
			at: T + 3 * MINUTE
		});
		// Not yet in force, so it ends at once: no "until" to show.
		expect(endsAt).toBe(T + 3 * MINUTE);
		expect(removed!.after).toBeNull();
	});

	it('records nothing for an account outside any family', async () => {
		const adult = await person();
		await limits.add(db(), adult.id, weeklyCoins, { role: 'self', accountId: adult.id }, T);
		const rows = await db()
			.selectFrom('audit_log')
			.select('id')
			.where('subject_id', '=', adult.id)
			.execute();
		expect(rows).toEqual([]);
	});

	it("records a family member's log-out, a session ended from Settings and sessions revoked", async () => {
		const { minor, familyId } = await household();
		const device = { userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/120.0', ip: null };
		const [a, b, c] = [
			await sessions.create(db(), minor.id, device, T),
			await sessions.create(db(), minor.id, device, T),
			await sessions.create(db(), minor.id, device, T)
		];
		await endings.logOut(db(), { id: a.session.id, accountId: minor.id }, T + 1);
		expect(await endings.endOne(db(), minor.id, b.session.id, T + 2)).toBe(true);
		// Someone else's session is not theirs to end, and nothing is recorded.
		const stranger = await person();
		expect(await endings.endOne(db(), stranger.id, c.session.id, T + 3)).toBe(false);
		await sessions.create(db(), minor.id, device, T);
		expect(await endings.revokeOthers(db(), minor.id, c.session.id, T + 4)).toBe(1);

		expect(await entries(familyId, 'session.logged_out')).toMatchObject([
			{
				actor_id: minor.id,
				subject_id: minor.id,
				before: { device: 'Chrome on Android' },
				at: T + 1
			}
		]);
		expect(await entries(familyId, 'session.ended')).toMatchObject([
			{ actor_id: minor.id, at: T + 2 }
		]);
		expect(await entries(familyId, 'sessions.revoked')).toMatchObject([
			{ actor_id: minor.id, before: { sessions: 1 }, after: { reason: 'password changed' } }
		]);
		const left = await sessions.listActive(db(), minor.id, T + 5);
		expect(left.map((s) => s.id)).toEqual([c.session.id]);
	});

	it('a guardian removes another guardian, logged; never oneself, never as a minor', async () => {
		const { guardian, other, minor, familyId } = await household();
		const self = await family
			.removeGuardian(db(), await actor(guardian), guardian.id, T)
			.catch((e: unknown) => e);
		expect(self).toMatchObject({ code: 'FORBIDDEN' });
		const byMinor = await family
			.removeGuardian(db(), await actor(minor), guardian.id, T)
			.catch((e: unknown) => e);
		expect(byMinor).toBeInstanceOf(access.NotFoundError);

		await family.removeGuardian(db(), await actor(guardian), other.id, T + 1);
		expect(await family.members(db(), familyId)).toMatchObject([
			{ accountId: guardian.id, role: 'guardian' },
			{ accountId: minor.id, role: 'minor' }
		]);
		expect(await entries(familyId, 'guardian.removed')).toMatchObject([
			{ actor_id: guardian.id, subject_id: other.id, before: { role: 'guardian' }, after: null }
		]);
	});

	it('a guardian of another family gets not-found for a guardian, and nothing changes', async () => {
		const a = await household();
		const b = await household();
		const refused = await family
			.removeGuardian(db(), await actor(b.guardian), a.other.id, T)
			.catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(access.NotFoundError);
		expect((await family.members(db(), a.familyId)).length).toBe(3);
	});

	it('two guardians removing each other at once leave exactly one', async () => {
		const { guardian, other, familyId } = await household();
		const [g, o] = [await actor(guardian), await actor(other)];
		const outcomes = await Promise.allSettled([
			family.removeGuardian(db(), g, other.id, T),
			family.removeGuardian(db(), o, guardian.id, T)
		]);
		expect(outcomes.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const guardians = (await family.members(db(), familyId)).filter((m) => m.role === 'guardian');
		expect(guardians).toHaveLength(1);
		expect(await entries(familyId, 'guardian.removed')).toHaveLength(1);
	});

	it('pages the log newest first by keyset; a minor reads only what is about them', async () => {
		const { guardian, minor, familyId } = await household();
		for (let i = 1; i <= 5; i++) {
			await limits.add(
				db(),
				i % 2 ? minor.id : guardian.id,
				{ ...weeklyCoins, amount: i },
				{ role: i % 2 ? 'guardian' : 'self', accountId: guardian.id },
				T + i
			);
		}
		const all = await family.audit.list(db(), familyId);
		const first = await family.audit.page(db(), familyId, { limit: 3 });
		const paged = [...first.rows];
		for (let next = first.next; next;) {
			const more = await family.audit.page(db(), familyId, { limit: 3, before: next });
			paged.push(...more.rows);
			next = more.next;
		}
		expect(paged.map((e) => e.at)).toEqual([...all].map((e) => e.at).sort((x, y) => y - x));
		expect(new Set(paged.map((e) => e.id)).size).toBe(all.length);
		expect(first.rows[0]).toMatchObject({ at: T + 5, actor_name: guardian.display_name });

		const mine = await family.audit.page(db(), familyId, { limit: 50, about: minor.id });
		expect(mine.rows.every((e) => e.subject_id === minor.id || e.actor_id === minor.id)).toBe(true);
		expect(mine.rows.filter((e) => e.action === 'limit.added')).toHaveLength(3);
	});

	it('re-authentication: asks when the password is old, refuses a wrong one, records a right one', async () => {
		const { guardian } = await household();
		const { session } = await sessions.create(db(), guardian.id, { userAgent: null, ip: null }, T);
		const user = { id: guardian.id } as App.Locals['user'];
		const locals = () => ({ user, session: { ...session } }) as App.Locals;
		const later = T + reauth.REAUTH_WINDOW + 1;

		expect(await reauth.confirm(db(), locals(), null, {}, T + MINUTE)).toBeNull();
		expect(await reauth.confirm(db(), locals(), null, {}, later)).toMatchObject({
			status: 401,
			data: { needsPassword: true, wrongPassword: false }
		});
		const wrong = await reauth.confirm(db(), locals(), 'not my password', { x: 1 }, later);
		expect(wrong).toMatchObject({
			status: 400,
			data: { needsPassword: true, wrongPassword: true, x: 1 }
		});
		const stored = () =>
			db()
				.selectFrom('sessions')
				.select('password_at')
				.where('id', '=', session.id)
				.executeTakeFirst();
		expect(await stored()).toEqual({ password_at: T });

		const right = locals();
		expect(await reauth.confirm(db(), right, PASSWORD, {}, later)).toBeNull();
		expect(right.session!.passwordAt).toBe(later);
		expect(await stored()).toEqual({ password_at: later });
	});
});
