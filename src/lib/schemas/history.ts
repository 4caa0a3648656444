import { z } from 'zod';
import { CHANNELS, PURCHASE_KINDS } from './purchase';
import { eitherOf, oneOf } from './lists';

// The filters of a history view (/transactions, its CSV export, a guardian's view of a minor):
// all in the query string, so that a view can be bookmarked, shared and exported as shown.

/** What a history row can be: a captured purchase (a ledger entry) or an authorization that is not (yet) one. */
export const HISTORY_STATUSES = ['captured', 'held', 'pending_approval', 'declined'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

export const HISTORY_STATUS_LABELS: Record<HistoryStatus, string> = {
	captured: 'Completed',
	held: 'On hold',
	pending_approval: 'Waiting for approval',
	declined: 'Declined'
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string): boolean {
	if (!DATE.test(value)) return false;
	const [y, m, d] = value.split('-').map(Number) as [number, number, number];
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const day = (name: string) =>
	z
		.string()
		.refine(isDate, { error: `${name} must be a date such as 2026-11-01.` })
		.optional();

const text = (name: string, max: number) =>
	z
		.string()
		.trim()
		.max(max, { error: `${name} must be at most ${max} characters.` })
		.transform((v) => (v === '' ? undefined : v))
		.optional();

export const historyFilters = z
	.object({
		from: day('From'),
		to: day('To'),
		kind: z.enum(PURCHASE_KINDS, { error: `Kind must be ${eitherOf(PURCHASE_KINDS)}.` }).optional(),
		status: z
			.enum(HISTORY_STATUSES, { error: `Status must be one of ${oneOf(HISTORY_STATUSES)}.` })
			.optional(),
		channel: z.enum(CHANNELS, { error: `Channel must be one of ${oneOf(CHANNELS)}.` }).optional(),
		method: text('Payment method', 64),
		creator: text('Creator', 255),
		q: text('Search', 100)
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, {
		error: 'From must be on or before To.',
		path: ['from']
	});

export type HistoryFilters = z.infer<typeof historyFilters>;

export const FILTER_NAMES = [
	'from',
	'to',
	'kind',
	'status',
	'channel',
	'method',
	'creator',
	'q'
] as const;

/**
 * The filters in a query string, empty values dropped (a GET form sends every field), or the
 * first problem as a message naming the filter.
 */
export function parseFilters(
	params: URLSearchParams
): { ok: true; filters: HistoryFilters } | { ok: false; message: string; filters: HistoryFilters } {
	const raw: Record<string, string> = {};
	for (const name of FILTER_NAMES) {
		const value = params.get(name);
		if (value !== null && value.trim() !== '') raw[name] = value;
	}
	const parsed = historyFilters.safeParse(raw);
	if (parsed.success) return { ok: true, filters: parsed.data };
	const issue = parsed.error.issues[0]!;
	return { ok: false, message: issue.message, filters: {} };
}

/** The query string of a view: its filters, then any extra parameters (the cursor). */
export function filterQuery(filters: HistoryFilters, extra: Record<string, string> = {}): string {
	const params = new URLSearchParams();
	for (const name of FILTER_NAMES) {
		const value = filters[name];
		if (value) params.set(name, value);
	}
	for (const [name, value] of Object.entries(extra)) params.set(name, value);
	const query = params.toString();
	return query ? `?${query}` : '';
}
