import { describe, expect, it } from 'vitest';
import { windowOf } from './periods';

const at = (iso: string) => Date.parse(iso);

describe('period windows in the account time zone', () => {
	it('cuts days at local midnight: 23:59:59 and 00:00:00 fall in different days', () => {
		const zone = 'America/New_York';
		const before = windowOf('day', zone, at('2026-03-03T04:59:59Z')); // 23:59:59 local
		const after = windowOf('day', zone, at('2026-03-03T05:00:00Z')); // 00:00:00 local
		expect(before.key).toBe('2026-03-02');
		expect(after.key).toBe('2026-03-03');
		expect(before.end).toBe(after.start);
	});

	it('has a 23-hour day when the clocks go forward and a 25-hour day when they go back', () => {
		const spring = windowOf('day', 'Europe/Berlin', at('2026-03-29T12:00:00Z'));
		expect((spring.end - spring.start) / 3_600_000).toBe(23);
		const autumn = windowOf('day', 'Europe/Berlin', at('2026-10-25T12:00:00Z'));
		expect((autumn.end - autumn.start) / 3_600_000).toBe(25);
	});

	it('starts ISO weeks on Monday, with the ISO week-year', () => {
		const week = windowOf('week', 'Asia/Tokyo', at('2026-01-01T03:00:00Z')); // Thursday
		expect(week.key).toBe('2026-W01');
		expect(new Date(week.start).toISOString()).toBe('2025-12-28T15:00:00.000Z'); // Mon 00:00 JST
		const lastWeek = windowOf('week', 'UTC', at('2027-01-01T12:00:00Z')); // Friday
		expect(lastWeek.key).toBe('2026-W53');
	});

	it('cuts months at local midnight on the first', () => {
		const month = windowOf('month', 'Australia/Sydney', at('2026-10-31T13:30:00Z')); // Nov 1, 00:30 local
		expect(month.key).toBe('2026-11');
		expect(new Date(month.start).toISOString()).toBe('2026-10-31T13:00:00.000Z');
		expect(new Date(month.end).toISOString()).toBe('2026-11-30T13:00:00.000Z');
	});
});
