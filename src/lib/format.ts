import { formatCoins, formatMoney } from './money';

// Numbers, money and dates as the account reads them: one formatter per locale (the account's
// "language and number format", accounts.locale), which pages and charts take from the signed-
// in user (src/lib/viewer.ts). The words around them stay English. Sentences the server builds
// for the API (reasons, notifications) are not made here: they keep en-US for every reader.

export interface Formatter {
	readonly locale: string;
	/** "1,234" (en-US), "1.234" (de-DE). */
	coins(n: number): string;
	/** Coins that came in or went out, with their sign: "+350", "−1,200" (a minus sign, U+2212). */
	signedCoins(n: number): string;
	/** Any other number, the same way: "1,234.5" (en-US), "1.234,5" (de-DE). */
	number(n: number): string;
	/** Integer minor units: "$12.34" (en-US), "12,34 $" (de-DE). */
	money(amountMinor: number, currency: string): string;
	/** A share from 0 to 1: "12.5%" (en-US), "12,5 %" (de-DE). */
	percent(share: number): string;
	/** A date or time with the given Intl options (pass the time zone in them). */
	date(at: number | Date, options: Intl.DateTimeFormatOptions): string;
	/** The Intl.DateTimeFormat behind `date`, for a format used many times or in parts. */
	dates(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat;
}

// Constructing Intl formats costs far more than formatting with one: kept per locale and options.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const percentFormats = new Map<string, Intl.NumberFormat>();
const formatters = new Map<string, Formatter>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let format = dateFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		dateFormats.set(key, format);
	}
	return format;
}

function percentFormat(locale: string): Intl.NumberFormat {
	let format = percentFormats.get(locale);
	if (!format) {
		format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
		percentFormats.set(locale, format);
	}
	return format;
}

export function formatter(locale: string): Formatter {
	let made = formatters.get(locale);
	if (!made) {
		made = {
			locale,
			coins: (n) => formatCoins(n, locale),
			signedCoins: (n) => `${n > 0 ? '+' : '−'}${formatCoins(Math.abs(n), locale)}`,
			number: (n) => formatCoins(n, locale),
			money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
			percent: (share) => percentFormat(locale).format(share),
			date: (at, options) => dateFormat(locale, options).format(at),
			dates: (options) => dateFormat(locale, options)
		};
		formatters.set(locale, made);
	}
	return made;
}
