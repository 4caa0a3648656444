import { DateTime } from 'luxon';
import type { CalendarPeriod } from '$lib/schemas/limits';

export type Period = CalendarPeriod;

export interface PeriodWindow {
	/** A stable name for the period in the account's zone: `2026-11-21`, `2026-W47`, `2026-11`. */
	key: string;
	start: number;
	/** Exclusive: the instant the next period starts, when the limit resets. */
	end: number;
}

// The window containing `at` is the same for every instant until it ends, so the last one
// per period and zone is kept: the calendar arithmetic below runs once per day, not per
// purchase. (Windows are values: nobody mutates them.)
const latest = new Map<string, PeriodWindow>();

/** The day, ISO week or month containing `at`, cut at local midnight in `timeZone`. */
export function windowOf(period: Period, timeZone: string, at: number): PeriodWindow {
	const cacheKey = `${period}|${timeZone}`;
	const cached = latest.get(cacheKey);
	if (cached && cached.start <= at && at < cached.end) return cached;
	const window = computeWindow(period, timeZone, at);
	if (window.start <= at && at < window.end) latest.set(cacheKey, window);
	return window;
}

/** The period before `window` (where a rollover comes from); not cached, so the current stays. */
export function windowBefore(period: Period, timeZone: string, window: PeriodWindow): PeriodWindow {
	return computeWindow(period, timeZone, window.start - 1);
}

// Luxon does the calendar arithmetic, so a 23- or 25-hour day across DST is still one day.
function computeWindow(period: Period, timeZone: string, at: number): PeriodWindow {
	const local = DateTime.fromMillis(at, { zone: timeZone });
	const unit = period === 'week' ? 'week' : period;
	const start = local.startOf(unit);
	// The next period's own start: where DST begins at midnight (Santiago, Havana, Azores) a
	// day starts at 01:00, and "start + 1 day" from such a day would run an hour into the next.
	const end = start.plus({ [`${unit}s`]: 1 }).startOf(unit);
	const key =
		period === 'day'
			? start.toFormat('yyyy-MM-dd')
			: period === 'week'
				? start.toFormat("kkkk-'W'WW")
				: start.toFormat('yyyy-MM');
	return { key, start: start.toMillis(), end: end.toMillis() };
}
