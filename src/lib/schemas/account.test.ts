import { describe, expect, it } from 'vitest';
import { signUp } from './account';

const good = {
	email: 'Ada@Example.com ',
	displayName: 'Ada',
	password: 'correct horse battery staple',
	timeZone: 'europe/paris',
	currency: 'eur'
};

function messageFor(input: Record<string, unknown>): string | undefined {
	const result = signUp.safeParse(input);
	return result.success ? undefined : result.error.issues[0]?.message;
}

describe('sign-up schema', () => {
	it('normalises e-mail, time zone and currency', () => {
		expect(signUp.parse(good)).toEqual({
			email: 'ada@example.com',
			displayName: 'Ada',
			password: 'correct horse battery staple',
			timeZone: 'Europe/Paris',
			currency: 'EUR',
			locale: 'en-US'
		});
	});

	it.each([
		[{ email: '' }, 'Enter your e-mail address.'],
		[{ email: 'not-an-email' }, 'That does not look like an e-mail address (name@example.com).'],
		[
			{ email: `${'a'.repeat(250)}@x.io` },
			'That e-mail address is too long (254 characters at most).'
		],
		[{ displayName: '   ' }, 'Enter a display name.'],
		[{ displayName: 'x'.repeat(81) }, 'Keep the display name to 80 characters.'],
		[{ displayName: 'bad\u0007name' }, 'The display name has invisible control characters.'],
		[{ password: 'short' }, 'Use at least 8 characters for the password.'],
		[{ password: 'p'.repeat(1025) }, 'Use at most 1024 characters for the password.'],
		[
			{ timeZone: 'Mars/Olympus_Mons' },
			'Unknown time zone "Mars/Olympus_Mons": use an IANA name such as Europe/Paris.'
		],
		[{ timeZone: '+01:00' }, 'Unknown time zone "+01:00": use an IANA name such as Europe/Paris.'],
		[{ currency: 'XYZ1' }, 'Currency must be a known ISO 4217 code such as USD or EUR.'],
		[{ email: 42 }, 'Enter your e-mail address.']
	])('rejects %j with a message that says what to fix', (change, message) => {
		expect(messageFor({ ...good, ...change })).toBe(message);
	});

	it('accepts a long passphrase and keeps HTML in a name as text', () => {
		const parsed = signUp.parse({
			...good,
			password: 'word '.repeat(100),
			displayName: '<b>Ada</b>'
		});
		expect(parsed.displayName).toBe('<b>Ada</b>');
	});
});
