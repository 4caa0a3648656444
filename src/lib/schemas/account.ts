import { z } from 'zod';
import { currencyCode, timeZone } from './common';
import { DEFAULT_LOCALE, locale } from './locale';

export const PASSWORD_MIN = 8;
// Long passphrases are welcome; the cap only stops a request from making argon2 hash megabytes.
export const PASSWORD_MAX = 1024;

export const email = z
	.string({ error: 'Enter your e-mail address.' })
	.trim()
	.min(1, { error: 'Enter your e-mail address.' })
	.max(254, { error: 'That e-mail address is too long (254 characters at most).' })
	.pipe(z.email({ error: 'That does not look like an e-mail address (name@example.com).' }))
	.transform((value) => value.toLowerCase());

export const password = z
	.string({ error: 'Enter a password.' })
	.min(PASSWORD_MIN, { error: `Use at least ${PASSWORD_MIN} characters for the password.` })
	.max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters for the password.` });

export const displayName = z
	.string({ error: 'Enter a display name.' })
	.trim()
	.min(1, { error: 'Enter a display name.' })
	.max(80, { error: 'Keep the display name to 80 characters.' })
	// Control characters have no place in a name and can spoof text around it.
	.refine((name) => !/\p{Cc}/u.test(name), {
		error: 'The display name has invisible control characters.'
	});

export const signUp = z.object({
	email,
	displayName,
	password,
	timeZone: timeZone.default('UTC'),
	currency: currencyCode.default('USD'),
	locale: locale.default(DEFAULT_LOCALE)
});
export type SignUp = z.infer<typeof signUp>;

export const logIn = z.object({
	email,
	password: z
		.string({ error: 'Enter your password.' })
		.min(1, { error: 'Enter your password.' })
		.max(PASSWORD_MAX)
});

export const changePassword = z.object({
	currentPassword: z.string().min(1, { error: 'Enter your current password.' }).max(PASSWORD_MAX),
	newPassword: password
});

/** The first message of a failed parse, prefixed with the field it is about when useful. */
export function firstError(error: z.ZodError): { field: string; message: string } {
	const issue = error.issues[0];
	return { field: issue?.path.join('.') ?? '', message: issue?.message ?? 'Invalid input.' };
}
