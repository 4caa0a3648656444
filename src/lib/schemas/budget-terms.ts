/** The shares of a limit that alert its holder, once each per period, unless they choose others. */
export const DEFAULT_ALERT_THRESHOLDS = [50, 80, 100] as const;
/** At most this many thresholds per limit, each a whole per cent from 1 to 100. */
export const MAX_ALERT_THRESHOLDS = 5;

/** Unspent budget carried into the next period: at most `percent` % of the limit and/or `amount`. */
export interface Rollover {
	percent: number | null;
	amount: number | null;
}

/** "50, 80,100 %" → [50, 80, 100]; a message naming the field when it is not such a list. */
export function parseThresholds(text: string): number[] | { message: string } {
	const parts = text
		.replaceAll('%', '')
		.split(/[\s,;]+/)
		.filter((p) => p !== '');
	if (parts.length === 0) return [];
	if (parts.length > MAX_ALERT_THRESHOLDS) {
		return {
			message: `Alert thresholds: at most ${MAX_ALERT_THRESHOLDS} shares, such as 50, 80, 100.`
		};
	}
	const values: number[] = [];
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) < 1 || Number(part) > 100) {
			return {
				message: `Alert thresholds: "${part.slice(0, 20)}" is not a whole per cent from 1 to 100. Write them like 50, 80, 100.`
			};
		}
		values.push(Number(part));
	}
	return [...new Set(values)].sort((a, b) => a - b);
}

/** As the limits table stores them: "50,80,100" ('' for none). */
export function storeThresholds(values: readonly number[]): string {
	return values.join(',');
}

export function readThresholds(stored: string): number[] {
	return stored
		.split(',')
		.filter((p) => p !== '')
		.map(Number);
}

/** What a period with `used` of `amount` carries into the next, under `rollover` (pure). */
export function carried(amount: number, used: number, rollover: Rollover | null): number {
	if (!rollover || (rollover.percent === null && rollover.amount === null)) return 0;
	let carry = Math.max(0, amount - used);
	if (rollover.percent !== null)
		carry = Math.min(carry, Math.floor((amount * rollover.percent) / 100));
	if (rollover.amount !== null) carry = Math.min(carry, rollover.amount);
	return carry;
}
