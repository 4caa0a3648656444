import { SIGN_UP_CURRENCIES } from '$lib/schemas/common';
import { languages } from './accept-language';

// The sign-up form's currency, guessed on the server from the browser's Accept-Language (so
// it works without JavaScript): each language, best first, to its likely region (Intl fills in
// "de" → DE, "ja" → JP, "pt" → BR), to that region's currency when sign-up offers it.

const EURO = 'AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK'.split(' ');
const REGION_CURRENCY: Record<string, string> = {
	US: 'USD',
	GB: 'GBP',
	CA: 'CAD',
	AU: 'AUD',
	JP: 'JPY',
	BR: 'BRL',
	MX: 'MXN',
	IN: 'INR',
	...Object.fromEntries(EURO.map((region) => [region, 'EUR']))
};

export const FALLBACK = 'USD';

export function fromAcceptLanguage(header: string | null): string {
	for (const tag of languages(header ?? '')) {
		let region: string | undefined;
		try {
			region = new Intl.Locale(tag).maximize().region;
		} catch {
			continue; // not a language tag
		}
		const currency = region ? REGION_CURRENCY[region] : undefined;
		if (currency && SIGN_UP_CURRENCIES.includes(currency)) return currency;
	}
	return FALLBACK;
}
