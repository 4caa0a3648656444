// Money is integer minor units plus an ISO 4217 code; how many digits a currency's minor
// unit has (2 for USD, 0 for JPY, 3 for KWD) comes from Intl, not a table kept by hand.
const digitsCache = new Map<string, number>();

export function minorDigits(currency: string): number {
	let digits = digitsCache.get(currency);
	if (digits === undefined) {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
			.maximumFractionDigits as number;
		digitsCache.set(currency, digits);
	}
	return digits;
}

// Constructing an Intl.NumberFormat costs far more than formatting with one.
const formats = new Map<string, Intl.NumberFormat>();

// The locale is always named: left to the runtime, the server would write its own default and
// the browser the reader's, and hydration would not match. Pages pass the account's (see
// $lib/format); sentences made for the API pass en-US.
function numberFormat(locale: string, currency?: string): Intl.NumberFormat {
	const key = `${locale}|${currency ?? ''}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, currency ? { style: 'currency', currency } : {});
		formats.set(key, format);
	}
	return format;
}

export function formatMoney(amountMinor: number, currency: string, locale: string): string {
	return numberFormat(locale, currency).format(amountMinor / 10 ** minorDigits(currency));
}

export function formatCoins(coins: number, locale: string): string {
	return numberFormat(locale).format(coins);
}
