import { DateTime } from 'luxon';

export type Period = 'day' | 'week' | 'month';

export interface PeriodWindow {
	/** A stable name for the period in the account's zone: `2026-11-21`, `2026-W47`, `2026-11`. */
	key: string;
	start: number;
	/** Exclusive: the instant the next period starts, when the limit resets. */
	end: number;
}

// Periods are cut at local midnight in the account's zone (ISO weeks start on Monday).
// Luxon does the calendar arithmetic, so a 23- or 25-hour day across DST is still one day.
export function windowOf(period: Period, timeZone: string, at: number): PeriodWindow {
	const local = DateTime.fromMillis(at, { zone: timeZone });
	const unit = period === 'week' ? 'week' : period;
	const start = local.startOf(unit);
	const end = start.plus({ [`${unit}s`]: 1 });
	const key =
		period === 'day'
			? start.toFormat('yyyy-MM-dd')
			: period === 'week'
				? start.toFormat("kkkk-'W'WW")
				: start.toFormat('yyyy-MM');
	return { key, start: start.toMillis(), end: end.toMillis() };
}
