import { parseThresholds, type Rollover } from '$lib/schemas/budget-terms';
import { MAX_COINS } from '$lib/schemas/purchase';
import { toCoins, toMinorUnits } from './amounts';

// The settings around a limit, from a form's fields: the alert shares and the rollover caps.
// Each error names its field, so the page can mark it.

export const SETTING_FIELDS = ['alertThresholds', 'rolloverPercent', 'rolloverAmount'];

export type Settings =
	{ alertThresholds: number[]; rollover: Rollover | null } | { field: string; message: string };

/** `unit`: how the limit counts, to read the rollover amount in (coins or the currency). */
export function parseSettings(fields: Record<string, string>, unit: string | null): Settings {
	const thresholds = parseThresholds(fields.alertThresholds ?? '');
	if (!Array.isArray(thresholds)) return { field: 'alertThresholds', ...thresholds };

	const percentText = (fields.rolloverPercent ?? '').replace('%', '').trim();
	let percent: number | null = null;
	if (percentText) {
		if (!/^\d{1,3}$/.test(percentText) || Number(percentText) > 100) {
			return {
				field: 'rolloverPercent',
				message: 'Rollover cap: a whole per cent from 0 to 100, such as 25, or leave it empty.'
			};
		}
		percent = Number(percentText);
	}
	const amountText = (fields.rolloverAmount ?? '').trim();
	let amount: number | null = null;
	if (amountText) {
		amount = unit ? toMinorUnits(amountText, unit) : toCoins(amountText);
		if (amount === null || (!unit && amount > MAX_COINS * 1000)) {
			return {
				field: 'rolloverAmount',
				message: unit
					? `Rollover cap: an amount in ${unit}, such as 10.00, or leave it empty.`
					: 'Rollover cap: a whole number of coins, such as 500, or leave it empty.'
			};
		}
	}
	const rollover = percent === null && amount === null ? null : { percent, amount };
	return { alertThresholds: thresholds, rollover };
}

/** The gift size (in coins) above which sending asks for a confirmation; '' turns it off. */
export function parseGiftConfirm(text: string): { value: number | null } | { message: string } {
	const trimmed = text.trim();
	if (!trimmed) return { value: null };
	const coins = toCoins(trimmed);
	if (coins === null || coins > MAX_COINS) {
		return {
			message: `Confirm gifts above: a whole number of coins up to ${MAX_COINS.toLocaleString('en-US')}, such as 500, or leave it empty to never ask.`
		};
	}
	return { value: coins };
}
