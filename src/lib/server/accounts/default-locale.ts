import { canonicalLocale, DEFAULT_LOCALE } from '$lib/schemas/locale';
import { languages } from './accept-language';

// The sign-up form's language and number format, guessed from the browser's Accept-Language:
// the best language Intl can format for, with its likely region when the browser names none
// ("de" → de-DE, "fr-CA" stays, "zh-Hant" → zh-Hant-TW), so that dates and money read right.

export function fromAcceptLanguage(header: string | null): string {
	for (const tag of languages(header ?? '')) {
		let located: string;
		try {
			const given = new Intl.Locale(tag);
			const region = given.region ?? given.maximize().region;
			located = [given.language, given.script, region].filter(Boolean).join('-');
		} catch {
			continue; // not a language tag
		}
		const locale = canonicalLocale(located);
		if (locale) return locale;
	}
	return DEFAULT_LOCALE;
}
