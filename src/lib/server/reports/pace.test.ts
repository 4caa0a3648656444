import { describe, expect, it } from 'vitest';
import { paceOf } from './pace';

const DAY = 86_400_000;
const november = {
	start: Date.parse('2026-11-01T00:00:00Z'),
	end: Date.parse('2026-12-01T00:00:00Z')
};

describe('budget pace', () => {
	it('projects the day the limit is reached at the rate so far', () => {
		// 100 of 230 spent in 10 days: 10 a day reaches 230 on day 23.
		const pace = paceOf(100, 230, november, november.start + 10 * DAY);
		expect(pace).toEqual({ kind: 'reaches', at: november.start + 23 * DAY });
	});

	it('says the budget holds when the rate stays under it, with the projected total', () => {
		expect(paceOf(50, 1000, november, november.start + 15 * DAY)).toEqual({
			kind: 'within',
			projected: 100
		});
	});

	it('knows a reached limit and an untouched one', () => {
		expect(paceOf(500, 500, november, november.start + DAY)).toEqual({ kind: 'reached' });
		expect(paceOf(0, 500, november, november.start + DAY)).toEqual({ kind: 'nothing_yet' });
	});

	it('does not project from the first minutes of a period as if they were an hour', () => {
		const pace = paceOf(1, 1000, november, november.start + 60_000);
		expect(pace.kind).toBe('within');
	});
});
