import { z } from 'zod';
import { displayName, email, password } from './account';
import { currencyCode, timeZone } from './common';

/** A member's place in a family; the migration's CHECK spells out the same list. */
export const FAMILY_ROLES = ['guardian', 'minor'] as const;
export type FamilyRole = (typeof FAMILY_ROLES)[number];

export const familyRole = z.enum(FAMILY_ROLES, {
	error: 'Choose who the code is for: a guardian or a child.'
});

export const familyName = z
	.string({ error: 'Enter a name for the family.' })
	.trim()
	.min(1, { error: 'Enter a name for the family.' })
	.max(80, { error: 'Keep the family name to 80 characters.' })
	.refine((name) => !/\p{Cc}/u.test(name), {
		error: 'The family name has invisible control characters.'
	});

/** An invite code as people type it: case, spaces and dashes do not matter. */
export const inviteCode = z
	.string({ error: 'Enter the invite code.' })
	.transform((code) => code.toLowerCase().replace(/[\s-]/g, ''))
	.pipe(
		z
			.string()
			.min(1, { error: 'Enter the invite code.' })
			.max(64, { error: 'That is not an invite code: check it and try again.' })
	);

const thisYear = new Date().getUTCFullYear();

/** A birth year as a form sends it: empty for none. */
export const birthYear = z.preprocess(
	(value) => (value === '' || value === undefined ? null : value),
	z.coerce
		.number({ error: 'Birth year must be a year such as 2012.' })
		.int({ error: 'Birth year must be a year such as 2012.' })
		.min(thisYear - 18, { error: `A child's birth year is ${thisYear - 18} or later.` })
		.max(thisYear, { error: `Birth year cannot be after ${thisYear}.` })
		.nullable()
);

export const newMinor = z.object({
	email,
	displayName,
	password,
	birthYear: birthYear.optional(),
	timeZone: timeZone.optional(),
	currency: currencyCode.optional()
});
export type NewMinor = z.input<typeof newMinor>;

/** A family's own wait for approvals, in whole hours as the Family page asks; empty for the default. */
export const APPROVAL_WAIT_HOURS = { min: 1, max: 168 } as const;
export const approvalWaitHours = z.preprocess(
	(value) => (value === '' || value === undefined ? null : value),
	z.coerce
		.number({ error: 'Enter the wait in whole hours, such as 24.' })
		.int({ error: 'Enter the wait in whole hours, such as 24.' })
		.min(APPROVAL_WAIT_HOURS.min, { error: 'Requests wait at least 1 hour.' })
		.max(APPROVAL_WAIT_HOURS.max, { error: 'Requests wait at most 168 hours (a week).' })
		.nullable()
);
