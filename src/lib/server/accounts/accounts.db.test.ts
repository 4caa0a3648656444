import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { signUp } from '$lib/schemas/account';
import * as accounts from '.';
import * as defaultLocale from './default-locale';

const MINUTE = 60_000;

describeEachDatabase('accounts', (ctx) => {
	const input = (email: string) => ({
		email,
		displayName: 'Ada',
		password: 'a long enough passphrase',
		timeZone: 'America/New_York',
		currency: 'USD'
	});

	it('creates an account with an argon2id hash, never the password', async () => {
		const account = await accounts.create(ctx.database.db, input('ada@example.com'));
		expect(account.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(account.password_hash).not.toContain('passphrase');
		expect(account.coin_balance).toBe(0);
	});

	it('stores the locale sign-up detected or chose, en-US without one, and changes it', async () => {
		const { db } = ctx.database;
		const detected = defaultLocale.fromAcceptLanguage('de-DE,de;q=0.9,en;q=0.8');
		const german = await accounts.create(
			db,
			signUp.parse({ ...input('de@example.com'), locale: detected })
		);
		const chosen = await accounts.create(
			db,
			signUp.parse({ ...input('ca@example.com'), locale: 'fr-ca' })
		);
		const plain = await accounts.create(db, signUp.parse(input('us@example.com')));
		const stored = async (id: string) => (await accounts.get(db, id))!.locale;
		expect(await stored(german.id)).toBe('de-DE');
		expect(await stored(chosen.id)).toBe('fr-CA');
		expect(await stored(plain.id)).toBe('en-US');

		await accounts.setLocale(db, plain.id, 'en-GB');
		expect(await stored(plain.id)).toBe('en-GB');
		expect(await stored(german.id)).toBe('de-DE');
	});

	it('gives an account written without a locale (as before the column) en-US', async () => {
		const { db } = ctx.database;
		await db
			.insertInto('accounts')
			.values({
				id: 'acct_older',
				email: 'older@example.com',
				password_hash: 'x',
				display_name: 'Older',
				time_zone: 'UTC',
				currency: 'USD',
				birth_year: null,
				gift_confirm_over: null,
				created_at: 0
			})
			.execute();
		expect((await accounts.get(db, 'acct_older'))!.locale).toBe('en-US');
	});

	it('refuses a second account with the same e-mail, also when sign-ups race', async () => {
		const { db } = ctx.database;
		const results = await Promise.allSettled(
			Array.from({ length: 4 }, () => accounts.create(db, input('race@example.com')))
		);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of results.filter((r) => r.status === 'rejected')) {
			expect((r as PromiseRejectedResult).reason).toBeInstanceOf(accounts.EmailTakenError);
		}
	});

	it('logs in with the right password and gives one answer for unknown e-mail and wrong password', async () => {
		const { db } = ctx.database;
		await accounts.create(db, input('bob@example.com'));
		expect(
			await accounts.logIn(db, 'bob@example.com', 'a long enough passphrase', '10.0.0.1')
		).toMatchObject({
			ok: true
		});
		expect(await accounts.logIn(db, 'bob@example.com', 'wrong password', '10.0.0.2')).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await accounts.logIn(db, 'nobody@example.com', 'wrong password', '10.0.0.3')).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});

	it('locks an e-mail after five failures, with a wait that grows, even with the right password', async () => {
		const { db } = ctx.database;
		await accounts.create(db, input('carol@example.com'));
		const t0 = 1_000_000_000_000;
		for (let i = 0; i < 5; i++) {
			await accounts.logIn(db, 'carol@example.com', 'nope', `10.1.0.${i}`, t0 + i);
		}
		const locked = await accounts.logIn(
			db,
			'carol@example.com',
			'a long enough passphrase',
			'10.1.1.1',
			t0 + 10
		);
		expect(locked).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 1 });

		// After the first lock, one more failure doubles the wait.
		await accounts.logIn(db, 'carol@example.com', 'nope', '10.1.1.2', t0 + 2 * MINUTE);
		const again = await accounts.logIn(
			db,
			'carol@example.com',
			'nope',
			'10.1.1.3',
			t0 + 2 * MINUTE + 1
		);
		expect(again).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 2 });

		const later = t0 + 5 * MINUTE;
		expect(
			await accounts.logIn(db, 'carol@example.com', 'a long enough passphrase', '10.1.1.4', later)
		).toMatchObject({
			ok: true
		});
	});

	it('locks a client address that tries many e-mails', async () => {
		const { db } = ctx.database;
		const t0 = 1_100_000_000_000;
		for (let i = 0; i < 5; i++) {
			await accounts.logIn(db, `guess${i}@example.com`, 'nope', '192.0.2.7', t0 + i);
		}
		const result = await accounts.logIn(
			db,
			'ada@example.com',
			'a long enough passphrase',
			'192.0.2.7',
			t0 + 10
		);
		expect(result).toMatchObject({ ok: false, reason: 'throttled' });
	});

	it('changes the password only with the current one', async () => {
		const { db } = ctx.database;
		const account = await accounts.create(db, input('dan@example.com'));
		expect(await accounts.changePassword(db, account.id, 'wrong', 'new passphrase here')).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(
			await accounts.changePassword(
				db,
				account.id,
				'a long enough passphrase',
				'new passphrase here'
			)
		).toEqual({ ok: true });
		expect(await accounts.logIn(db, 'dan@example.com', 'new passphrase here', null)).toMatchObject({
			ok: true
		});
	});

	it('checks at most five passwords when 40 log-ins for one e-mail arrive at once', async () => {
		const { db } = ctx.database;
		await accounts.create(db, input('erin@example.com'));
		const results = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				accounts.logIn(
					db,
					'erin@example.com',
					i === 20 ? 'a long enough passphrase' : `guess ${i}`,
					'192.0.2.40'
				)
			)
		);
		const checked = results.filter((r) => r.ok || r.reason === 'invalid');
		expect(checked.length).toBeLessThanOrEqual(5);
		expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(
			40 - checked.length
		);
	});

	it('throttles the current-password check per account, even with the right password', async () => {
		const { db } = ctx.database;
		const account = await accounts.create(db, input('fay@example.com'));
		const t0 = 1_200_000_000_000;
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				accounts.changePassword(db, account.id, `guess ${i}`, 'new passphrase here', t0)
			)
		);
		expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
		expect(
			await accounts.changePassword(
				db,
				account.id,
				'a long enough passphrase',
				'new passphrase here',
				t0 + 1
			)
		).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 1 });

		// Once the lock is over, the right password works and the count starts afresh.
		const later = t0 + 2 * MINUTE;
		expect(
			await accounts.changePassword(
				db,
				account.id,
				'a long enough passphrase',
				'new passphrase here',
				later
			)
		).toEqual({ ok: true });
		expect(
			await accounts.changePassword(db, account.id, 'wrong', 'another passphrase', later + 1)
		).toEqual({ ok: false, reason: 'invalid' });
	});
});
