import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as throttle from './throttle';

const MINUTE = 60_000;

describeEachDatabase('log-in throttle', (ctx) => {
	async function reserveAtOnce(keySets: string[][], now: number) {
		const results = await Promise.all(
			keySets.map((keys) => throttle.reserve(ctx.database.db, keys, now))
		);
		return results.filter((r) => r.granted).length;
	}

	it('grants five of 100 attempts at one e-mail and address that arrive at once', async () => {
		const keys = throttle.keysFor('race@example.com', '192.0.2.1');
		const t0 = 1_000_000_000_000;
		expect(
			await reserveAtOnce(
				Array.from({ length: 100 }, () => keys),
				t0
			)
		).toBe(5);
		expect(await throttle.reserve(ctx.database.db, keys, t0 + 1)).toEqual({
			granted: false,
			retryAfterMinutes: 1
		});
	});

	it('grants five of 100 attempts from one address at 100 e-mails', async () => {
		const t0 = 1_000_000_000_000;
		const keySets = Array.from({ length: 100 }, (_, i) =>
			throttle.keysFor(`spray${i}@example.com`, '192.0.2.2')
		);
		expect(await reserveAtOnce(keySets, t0)).toBe(5);
		// A refused attempt takes nothing from its e-mail: all or none.
		const { db } = ctx.database;
		const counted = await db
			.selectFrom('login_throttles')
			.select('key')
			.where('key', 'like', 'email:spray%')
			.execute();
		expect(counted).toHaveLength(5);
	});

	it('does not refuse a request whose clock was read a moment before another one’s', async () => {
		const { db } = ctx.database;
		const keys = ['email:clocks@example.com'];
		const t0 = 1_000_000_000_000;
		expect(await throttle.reserve(db, keys, t0 + 10)).toMatchObject({ granted: true });
		expect(await throttle.reserve(db, keys, t0)).toMatchObject({ granted: true });
	});

	it('doubles the lock after each further attempt, and forgets a locked key only after a day', async () => {
		const { db } = ctx.database;
		const keys = ['email:slow@example.com'];
		const t0 = 1_000_000_000_000;
		expect(
			await reserveAtOnce(
				Array.from({ length: 5 }, () => keys),
				t0
			)
		).toBe(5);
		expect(await throttle.reserve(db, keys, t0 + MINUTE - 1)).toMatchObject({ granted: false });
		expect(await throttle.reserve(db, keys, t0 + MINUTE)).toMatchObject({ granted: true });
		expect(await throttle.reserve(db, keys, t0 + 2 * MINUTE)).toEqual({
			granted: false,
			retryAfterMinutes: 1
		});
		expect(await throttle.reserve(db, keys, t0 + MINUTE + 1)).toEqual({
			granted: false,
			retryAfterMinutes: 2
		});
		expect(await throttle.reserve(db, keys, t0 + 3 * MINUTE)).toMatchObject({ granted: true });
		expect(await throttle.reserve(db, keys, t0 + 3 * MINUTE + 1)).toEqual({
			granted: false,
			retryAfterMinutes: 4
		});
		// Half an hour on, the lock has ended but the key is not forgotten: one more guess,
		// and the next lock is twice as long again.
		const later = t0 + 30 * MINUTE;
		expect(
			await reserveAtOnce(
				Array.from({ length: 8 }, () => keys),
				later
			)
		).toBe(1);
		expect(await throttle.reserve(db, keys, later + 1)).toEqual({
			granted: false,
			retryAfterMinutes: 8
		});
		// A day after the first attempt, with no lock left, it starts afresh.
		const nextDay = t0 + 24 * 60 * MINUTE + 1;
		expect(
			await reserveAtOnce(
				Array.from({ length: 8 }, () => keys),
				nextDay
			)
		).toBe(5);
	});

	it('starts an open key afresh once its window has passed', async () => {
		const keys = ['email:sometimes@example.com'];
		const t0 = 1_000_000_000_000;
		expect(
			await reserveAtOnce(
				Array.from({ length: 4 }, () => keys),
				t0
			)
		).toBe(4);
		expect(
			await reserveAtOnce(
				Array.from({ length: 8 }, () => keys),
				t0 + 16 * MINUTE
			)
		).toBe(5);
	});

	it('lets log-ins to an own account neither count nor reset the guesses from an address', async () => {
		const { db } = ctx.database;
		const address = 'ip:192.0.2.3';
		const t0 = 1_000_000_000_000;
		for (let i = 0; i < 4; i++) {
			expect(
				await throttle.reserve(db, [`email:victim${i}@example.com`, address], t0)
			).toMatchObject({ granted: true });
		}
		// Ten right passwords for the attacker's own account: each gives back only its attempt.
		for (let i = 0; i < 10; i++) {
			const mine = await throttle.reserve(db, ['email:mine@example.com', address], t0);
			expect(mine).toMatchObject({ granted: true });
			await throttle.clear(db, 'email:mine@example.com');
			if (mine.granted) await throttle.giveBack(db, mine, [address]);
		}
		expect(await throttle.reserve(db, ['email:victim9@example.com', address], t0)).toMatchObject({
			granted: true
		});
		expect(await throttle.reserve(db, ['email:victim10@example.com', address], t0)).toMatchObject({
			granted: false
		});
	});
});
