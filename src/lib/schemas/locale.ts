import { z } from 'zod';

// The account's "language and number format": a BCP 47 tag such as de-DE, which decides how
// pages write numbers, money and dates (1.234 coins, 12,34 $). The words stay English.

export const DEFAULT_LOCALE = 'en-US';

/** Offered first on the sign-up and Settings forms; any tag Intl can format with is accepted. */
export const OFFERED_LOCALES = [
	'en-US',
	'en-GB',
	'en-CA',
	'en-AU',
	'en-IN',
	'de-DE',
	'fr-FR',
	'fr-CA',
	'es-ES',
	'es-MX',
	'it-IT',
	'nl-NL',
	'pt-BR',
	'ja-JP'
] as const;

// Longer than any tag of the shape below; BCP 47 asks software to take at least 35 characters.
export const LOCALE_MAX = 35;

// language[-Script][-REGION]: extensions (-u-nu-…) and private use are not offered.
const SHAPE = /^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?$/;

let regionNames: Intl.DisplayNames | undefined;

/** The canonical form of a locale Intl has data for (`DE-de` → `de-DE`), or null. */
export function canonicalLocale(tag: string): string | null {
	if (!SHAPE.test(tag)) return null;
	let canonical: string;
	try {
		canonical = Intl.getCanonicalLocales(tag)[0]!;
	} catch {
		return null;
	}
	// "lookup" answers only for a language Intl has formats for (xx-YY gets nothing).
	if (Intl.NumberFormat.supportedLocalesOf(canonical, { localeMatcher: 'lookup' }).length === 0) {
		return null;
	}
	const { region } = new Intl.Locale(canonical);
	regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
	if (region && regionNames.of(region) === undefined) return null; // de-XX: no such region
	return canonical;
}

const REFUSED = 'Language and number format must be a language tag such as en-US or de-DE.';

export const locale = z
	.string({ error: REFUSED })
	.trim()
	.max(LOCALE_MAX, {
		error: `Language and number format must be a language tag such as en-US or de-DE (${LOCALE_MAX} characters at most).`
	})
	.transform((tag, ctx) => {
		const canonical = canonicalLocale(tag);
		if (!canonical) {
			ctx.addIssue({
				code: 'custom',
				message: `Language and number format "${tag}" is not one we can format numbers for: choose one such as en-US or de-DE.`
			});
			return z.NEVER;
		}
		return canonical;
	});

// A sample number and date that show what differs: grouping, decimals, and day/month order.
const SAMPLE_NUMBER = 1234567.89;
const SAMPLE_DAY = Date.UTC(2026, 11, 31);

/**
 * How a locale names itself, with samples, for a select: "Deutsch (Deutschland) · 1.234.567,89
 * · 31.12.2026". Computed on the server, so the page and its hydration agree.
 */
export function localeLabel(tag: string): string {
	const name =
		new Intl.DisplayNames([tag], { type: 'language', languageDisplay: 'standard' }).of(tag) ?? tag;
	const number = new Intl.NumberFormat(tag).format(SAMPLE_NUMBER);
	const day = new Intl.DateTimeFormat(tag, { dateStyle: 'short', timeZone: 'UTC' }).format(
		SAMPLE_DAY
	);
	return `${name.charAt(0).toLocaleUpperCase(tag)}${name.slice(1)} · ${number} · ${day}`;
}

/** The offered locales, plus `also` (the detected or current one) when it is not among them. */
export function localeChoices(also: string): { value: string; label: string }[] {
	const tags: string[] = [...OFFERED_LOCALES];
	if (!tags.includes(also)) tags.unshift(also);
	return tags.map((value) => ({ value, label: localeLabel(value) }));
}
