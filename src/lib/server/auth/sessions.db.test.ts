import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as accounts from '../accounts';
import * as sessions from './sessions';

const DAY = 86_400_000;
const device = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', ip: '127.0.0.1' };

describeEachDatabase('sessions', (ctx) => {
	async function newAccount() {
		return accounts.create(ctx.database.db, {
			email: `s${Math.random().toString(36).slice(2)}@example.com`,
			displayName: 'Session Tester',
			password: 'correct horse battery staple',
			timeZone: 'Europe/Paris',
			currency: 'EUR'
		});
	}

	it('stores only a hash of the secret and validates the token', async () => {
		const { db } = ctx.database;
		const account = await newAccount();
		const { token, session } = await sessions.create(db, account.id, device, 1_000);
		const [id, secret] = token.split('.');
		expect(id).toBe(session.id);
		expect(secret!.length).toBeGreaterThanOrEqual(24); // ≥ 120 bits in base32
		const row = await db
			.selectFrom('sessions')
			.selectAll()
			.where('id', '=', id!)
			.executeTakeFirstOrThrow();
		expect(row.secret_hash).not.toContain(secret);
		expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);

		const result = await sessions.validate(db, token, 2_000);
		expect(result?.user).toMatchObject({
			id: account.id,
			timeZone: 'Europe/Paris',
			isMinor: false
		});
	});

	it('refuses a token with the right id and a wrong secret', async () => {
		const { db } = ctx.database;
		const account = await newAccount();
		const { session } = await sessions.create(db, account.id, device);
		expect(await sessions.validate(db, `${session.id}.${'a'.repeat(32)}`)).toBeNull();
		expect(await sessions.validate(db, 'garbage')).toBeNull();
	});

	it('slides the expiry forward when used in its second half, up to the absolute limit', async () => {
		const { db } = ctx.database;
		const account = await newAccount();
		const start = 10 * DAY;
		const { token } = await sessions.create(db, account.id, device, start);
		const early = await sessions.validate(db, token, start + DAY);
		expect(early?.session.expiresAt).toBe(start + sessions.SESSION_TTL);

		const later = start + 20 * DAY;
		const renewed = await sessions.validate(db, token, later);
		expect(renewed?.session.expiresAt).toBe(later + sessions.SESSION_TTL);

		// Used every 20 days it is renewed, but never past 90 days after log-in.
		let now = later;
		for (let i = 0; i < 3; i++) {
			now += 20 * DAY;
			const result = await sessions.validate(db, token, now);
			expect(result).not.toBeNull();
			expect(result!.session.expiresAt).toBeLessThanOrEqual(
				start + sessions.SESSION_ABSOLUTE_LIMIT
			);
		}
		expect(await sessions.validate(db, token, start + sessions.SESSION_ABSOLUTE_LIMIT)).toBeNull();
	});

	it('expires an unused session after 30 days and deletes it', async () => {
		const { db } = ctx.database;
		const account = await newAccount();
		const { token, session } = await sessions.create(db, account.id, device, 0);
		expect(await sessions.validate(db, token, sessions.SESSION_TTL)).toBeNull();
		const row = await db
			.selectFrom('sessions')
			.select('id')
			.where('id', '=', session.id)
			.executeTakeFirst();
		expect(row).toBeUndefined();
	});

	it('lets an account end only its own sessions', async () => {
		const { db } = ctx.database;
		const alice = await newAccount();
		const mallory = await newAccount();
		const { session } = await sessions.create(db, alice.id, device);
		expect(await sessions.destroyOwned(db, mallory.id, session.id)).toBe(false);
		expect(await sessions.listActive(db, alice.id)).toHaveLength(1);
		expect(await sessions.destroyOwned(db, alice.id, session.id)).toBe(true);
		expect(await sessions.listActive(db, alice.id)).toHaveLength(0);
	});

	it('ends every other session and keeps the current one', async () => {
		const { db } = ctx.database;
		const account = await newAccount();
		const current = await sessions.create(db, account.id, device);
		await sessions.create(db, account.id, device);
		await sessions.create(db, account.id, device);
		await sessions.destroyAllExcept(db, account.id, current.session.id);
		const left = await sessions.listActive(db, account.id);
		expect(left.map((s) => s.id)).toEqual([current.session.id]);
	});
});
