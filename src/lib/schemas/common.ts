import { z } from 'zod';

const currencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
	return currencies.has(code);
}

/** The canonical IANA name of a time zone (`europe/paris` → `Europe/Paris`), or null. */
export function canonicalTimeZone(zone: string): string | null {
	// Offsets such as "+01:00" are valid to Intl but are not places: they ignore DST.
	if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return null;
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
	} catch {
		return null;
	}
}

export const currencyCode = z
	.string({ error: 'Currency must be a three-letter ISO 4217 code such as USD.' })
	.trim()
	.toUpperCase()
	.refine(isCurrency, { error: 'Currency must be a known ISO 4217 code such as USD or EUR.' });

export const timeZone = z
	.string({ error: 'Time zone must be an IANA name such as Europe/Paris.' })
	.trim()
	.max(64, { error: 'Time zone must be an IANA name such as Europe/Paris.' })
	.transform((zone, ctx) => {
		const canonical = canonicalTimeZone(zone);
		if (!canonical) {
			ctx.addIssue({
				code: 'custom',
				message: `Unknown time zone "${zone.slice(0, 40)}": use an IANA name such as Europe/Paris.`
			});
			return z.NEVER;
		}
		return canonical;
	});

/** Offered first on the sign-up form; any ISO 4217 code is accepted. */
export const SIGN_UP_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'BRL', 'MXN', 'INR'];

/** The most calls one batched tRPC request may carry; the server refuses a larger batch whole. */
export const MAX_BATCH_CALLS = 100;
