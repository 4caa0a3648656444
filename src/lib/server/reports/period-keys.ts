import { DateTime } from 'luxon';

// A range of local dates as the fewest summary keys: whole months as `month:YYYY-MM`, the
// days at either end as `day:YYYY-MM-DD` (the keys period_totals and creator_spend use).

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The most a range may span: its keys stay a few hundred whatever is asked. */
export const MAX_YEARS = 20;

/** Why `value` is not a usable date, or null. */
export function dateProblem(value: string): string | null {
	if (!ISO_DATE.test(value)) return 'must be a date as YYYY-MM-DD';
	if (!DateTime.fromISO(value, { zone: 'UTC' }).isValid) return 'is not a date in the calendar';
	return null;
}

/** The keys covering local dates `from` (inclusive) to `to` (exclusive); both valid ISO dates. */
export function keysBetween(from: string, to: string): string[] {
	const keys: string[] = [];
	let day = DateTime.fromISO(from, { zone: 'UTC' });
	const end = DateTime.fromISO(to, { zone: 'UTC' });
	while (day < end) {
		const nextMonth = day.plus({ months: 1 });
		if (day.day === 1 && nextMonth <= end) {
			keys.push(`month:${day.toFormat('yyyy-MM')}`);
			day = nextMonth;
		} else {
			keys.push(`day:${day.toFormat('yyyy-MM-dd')}`);
			day = day.plus({ days: 1 });
		}
	}
	return keys;
}

/** The month keys of the `count` months up to and including `month` (YYYY-MM), oldest first. */
export function monthsUpTo(month: string, count: number): string[] {
	const last = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
	return Array.from(
		{ length: count },
		(_, i) => `month:${last.minus({ months: count - 1 - i }).toFormat('yyyy-MM')}`
	);
}

/** The years between two valid ISO dates, for the range check. */
export function yearsBetween(from: string, to: string): number {
	return DateTime.fromISO(to, { zone: 'UTC' }).diff(
		DateTime.fromISO(from, { zone: 'UTC' }),
		'years'
	).years;
}
