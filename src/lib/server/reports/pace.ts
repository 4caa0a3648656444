// Where a budget is heading: spending so far in a period, projected at the same rate to the
// period's end. Pure; the Overview words it.

export type Pace =
	| { kind: 'reached' }
	| { kind: 'nothing_yet' }
	/** At this rate the limit is reached at `at`, before the period resets. */
	| { kind: 'reaches'; at: number }
	/** At this rate the period ends with `projected` spent, under the limit. */
	| { kind: 'within'; projected: number };

export function paceOf(
	spent: number,
	limit: number,
	window: { start: number; end: number },
	now: number
): Pace {
	if (spent >= limit) return { kind: 'reached' };
	if (spent <= 0) return { kind: 'nothing_yet' };
	// At least an hour elapsed, so a purchase a minute into the month does not project wildly.
	const elapsed = Math.max(now - window.start, 3_600_000);
	const rate = spent / elapsed;
	const at = window.start + Math.ceil(limit / rate);
	if (at < window.end) return { kind: 'reaches', at: Math.max(at, now) };
	return { kind: 'within', projected: Math.round(rate * (window.end - window.start)) };
}
