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

export function formatMoney(amountMinor: number, currency: string, locale?: string): string {
	const digits = minorDigits(currency);
	return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
		amountMinor / 10 ** digits
	);
}

export function formatCoins(coins: number, locale?: string): string {
	return new Intl.NumberFormat(locale).format(coins);
}
