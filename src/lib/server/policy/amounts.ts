import { minorDigits } from '$lib/money';

// Amounts as people type them into the budget forms.

const THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d*)?$/;

/** "49.99" in USD → 4999; null when it is not an amount of that currency. */
export function toMinorUnits(text: string, currency: string): number | null {
	let value = text.trim();
	if (THOUSANDS.test(value)) value = value.replaceAll(',', '');
	const match = /^(\d+)(?:\.(\d*))?$/.exec(value);
	if (!match) return null;
	const digits = minorDigits(currency);
	const fraction = match[2] ?? '';
	if (fraction.length > digits) return null;
	const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
	return Number.isSafeInteger(minor) ? minor : null;
}

/** "5,000" → 5000; null when it is not a whole number. */
export function toCoins(text: string): number | null {
	let value = text.trim();
	if (THOUSANDS.test(value)) value = value.replaceAll(',', '');
	if (!/^\d+$/.test(value)) return null;
	const coins = Number(value);
	return Number.isSafeInteger(coins) ? coins : null;
}
