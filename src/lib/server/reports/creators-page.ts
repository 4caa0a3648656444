import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB } from '../db/schema';
import { windowOf } from '../policy/periods';
import * as creatorReports from './creators';
import * as timeline from './timeline';
import { dateProblem, keysBetween, MAX_YEARS, monthsUpTo, yearsBetween } from './period-keys';

// What the Creators pages show (an account's own, and a guardian's view of a minor's): the
// period from the URL, per-creator figures, monthly stacks of the top creators, and the
// directory. Everything reads the summaries.

export const TOP_STACKED = 5;
export const MONTHS_STACKED = 6;
export const DIRECTORY_PAGE = 30;

export interface Period {
	from: string;
	/** Exclusive. */
	to: string;
}

/** The period a URL asks for, or this month in `timeZone` with a message naming the bad field. */
export function periodFrom(
	params: URLSearchParams,
	timeZone: string,
	now: number
): { period: Period; problem: string | null } {
	const month = windowOf('month', timeZone, now);
	const fallback = {
		from: `${month.key}-01`,
		to: DateTime.fromISO(`${month.key}-01`, { zone: 'UTC' }).plus({ months: 1 }).toISODate()!
	};
	const from = params.get('from');
	const to = params.get('to');
	if (from === null && to === null) return { period: fallback, problem: null };
	for (const [field, value] of [
		['from', from],
		['to', to]
	] as const) {
		if (value === null) return { period: fallback, problem: `${field}: choose a date.` };
		const problem = dateProblem(value);
		if (problem) return { period: fallback, problem: `${field}: ${problem}.` };
	}
	if (to! <= from!) return { period: fallback, problem: 'to: must be after from.' };
	if (yearsBetween(from!, to!) > MAX_YEARS) {
		return { period: fallback, problem: `to: must be at most ${MAX_YEARS} years after from.` };
	}
	return { period: { from: from!, to: to! }, problem: null };
}

/** The last day of a period, as people say it (the URL's `to` is exclusive). */
export function lastDay(period: Period): string {
	return DateTime.fromISO(period.to, { zone: 'UTC' }).minus({ days: 1 }).toISODate()!;
}

export async function load(db: Kysely<DB>, accountId: string, period: Period) {
	const figures = await creatorReports.forKeys(db, accountId, keysBetween(period.from, period.to));
	const top = figures.slice(0, TOP_STACKED);
	const months = monthsUpTo(lastDay(period).slice(0, 7), MONTHS_STACKED);
	const monthly = await creatorReports.monthly(
		db,
		accountId,
		months,
		top.map((f) => f.creatorId)
	);
	const stacks = top.map((f) => ({
		creatorId: f.creatorId,
		name: f.name,
		coins: months.map(
			(m) =>
				monthly.find((r) => `month:${r.month}` === m && r.creatorId === f.creatorId)?.coins ?? 0
		)
	}));
	return {
		figures,
		months: months.map((m) => m.slice('month:'.length)),
		stacks
	};
}

/** The directory page a URL asks for: `q` searches, `page` (from 1) pages. */
export async function directory(db: Kysely<DB>, params: URLSearchParams) {
	const search = (params.get('q') ?? '').slice(0, 100);
	const page = Math.min(Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1), 10_000);
	const found = await creatorReports.directory(
		db,
		search,
		DIRECTORY_PAGE,
		(page - 1) * DIRECTORY_PAGE
	);
	return { search, page, ...found };
}

/**
 * One creator's page (an account's own, or a guardian's view of a minor's): the all-time
 * totals and the page of the gift timeline the URL points at; null when there is no such
 * creator.
 */
export async function detail(
	db: Kysely<DB>,
	accountId: string,
	creatorId: string,
	params: URLSearchParams
) {
	const creator = await creatorReports.creator(db, creatorId);
	if (!creator) return null;
	const position = timeline.positionFrom(params);
	// The totals cover every gift; the timeline shows one page of them.
	const [totals, page] = await Promise.all([
		creatorReports.allTime(db, accountId, creator.creatorId),
		timeline.page(db, accountId, creator.creatorId, { position })
	]);
	return {
		creator,
		totals,
		timeline: { gifts: page.gifts, isFirstPage: position === null, ...timeline.links(page) }
	};
}
