import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { sentence } from '$lib/reasons';
import type { ReasonFacts } from '$lib/schemas/reasons';
import { FILTER_NAMES, filterQuery, parseFilters } from '$lib/schemas/history';
import * as cursor from './cursor';
import * as history from './history';

// A history view as /transactions and a guardian's /family/[minorId]/history show it: the
// filters from the query string, one keyset page, the totals of the whole filtered set.

export const PAGE_SIZE = 50;

export async function load(db: Kysely<DB>, account: { id: string; timeZone: string }, url: URL) {
	// What was typed, to show it back in the form even when it is not valid.
	const typed = Object.fromEntries(FILTER_NAMES.map((n) => [n, url.searchParams.get(n) ?? '']));
	const parsed = parseFilters(url.searchParams);
	const methods = await history.paymentMethods(db, account.id);
	if (!parsed.ok) {
		return {
			typed,
			problem: parsed.message,
			rows: [],
			next: null,
			query: '',
			isFirstPage: true,
			totals: null,
			methods
		};
	}
	const before = cursor.parse(url.searchParams.get('before'));
	const view = { filters: parsed.filters, timeZone: account.timeZone };
	const [{ rows, next }, totals] = await Promise.all([
		history.page(db, account.id, { ...view, limit: PAGE_SIZE, before }),
		history.totals(db, account.id, view)
	]);
	return {
		typed,
		problem: null,
		rows: rows.map(({ reasons, ...row }) => ({ ...row, why: why(reasons) })),
		next: next ? filterQuery(parsed.filters, { before: cursor.format(next) }) : null,
		query: filterQuery(parsed.filters),
		isFirstPage: before === null,
		totals,
		methods
	};
}

/** A declined or warned purchase's reasons in words (stored as data, worded here at the edge). */
function why(reasons: string | null): string[] {
	if (!reasons) return [];
	try {
		return (JSON.parse(reasons) as ReasonFacts[]).map((r) => sentence(r, { reset: false }));
	} catch {
		return [];
	}
}
