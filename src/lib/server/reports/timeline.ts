import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { NO_CURRENCY } from '../costs';
import type { Money } from './creators';
import * as cursor from './cursor';
import type { Cursor } from './history';

// One creator's gifts from an account, newest first, each with its FIFO cost: keyset pages on
// (occurred_at, id), as the Transactions page pages, so every gift is one "Older" away and a
// late page costs what the first does.

export const PAGE_SIZE = 50;

export interface TimelineGift {
	id: string;
	coins: number;
	occurredAt: number;
	giftName: string | null;
	giftEmoji: string | null;
	cost: Money[];
	freeCoins: number;
}

/** Where a page starts: after `before` (older gifts), or before `after` (newer ones). */
export type Position = { before: Cursor } | { after: Cursor } | null;

export interface TimelinePage {
	gifts: TimelineGift[];
	/** The cursor of the page after this one (older gifts), when there is one. */
	older: Cursor | null;
	/** The cursor of the page before this one (newer gifts), when there is one. */
	newer: Cursor | null;
}

/** The position a page link asks for: `?before=` or `?after=`; a 400 when it was tampered with. */
export function positionFrom(params: URLSearchParams): Position {
	const before = cursor.parse(params.get('before'));
	if (before) return { before };
	const after = cursor.parse(params.get('after'));
	return after ? { after } : null;
}

/** The query strings of a page's "Older" and "Newer" links. */
export function links(page: TimelinePage) {
	return {
		older: page.older ? `?before=${cursor.format(page.older)}` : null,
		newer: page.newer ? `?after=${cursor.format(page.newer)}` : null
	};
}

function gifts(db: Kysely<DB>, accountId: string, creatorId: string) {
	return db
		.selectFrom('ledger_entries as l')
		.leftJoin('gifts as g', 'g.id', 'l.gift_id')
		.select(['l.id', 'l.coins', 'l.occurred_at', 'g.name', 'g.emoji'])
		.where('l.account_id', '=', accountId)
		.where('l.kind', '=', 'gift')
		.where('l.creator_id', '=', creatorId);
}

const cursorOf = (row: { id: string; occurred_at: number }): Cursor => ({
	occurredAt: Number(row.occurred_at),
	id: row.id
});

/** One page of the timeline, newest first. */
export async function page(
	db: Kysely<DB>,
	accountId: string,
	creatorId: string,
	options: { position?: Position; limit?: number } = {}
): Promise<TimelinePage> {
	const position = options.position ?? null;
	const limit = options.limit ?? PAGE_SIZE;
	// Towards newer gifts the page is read upwards from the cursor, then turned round.
	const upwards = position !== null && 'after' in position;
	const from = position === null ? null : 'after' in position ? position.after : position.before;
	const direction = upwards ? 'asc' : 'desc';
	const rows = await gifts(db, accountId, creatorId)
		.$if(from !== null, (q) =>
			q.where((eb) =>
				eb(
					eb.refTuple('l.occurred_at', 'l.id'),
					upwards ? '>' : '<',
					eb.tuple(from!.occurredAt, from!.id)
				)
			)
		)
		.orderBy('l.occurred_at', direction)
		.orderBy('l.id', direction)
		.limit(limit + 1)
		.execute();
	const shown = rows.slice(0, limit);
	if (upwards) shown.reverse();
	const first = shown[0];
	const last = shown.at(-1);
	// Away from the cursor, the extra row read says whether more gifts lie there; back towards
	// it lies at least the gift the cursor names (ledger entries are never deleted).
	const further = rows.length > limit;
	return {
		gifts: await withCosts(db, shown),
		older: last && (upwards || further) ? cursorOf(last) : null,
		newer: first && (upwards ? further : from !== null) ? cursorOf(first) : null
	};
}

async function withCosts(
	db: Kysely<DB>,
	rows: {
		id: string;
		coins: number;
		occurred_at: number;
		name: string | null;
		emoji: string | null;
	}[]
): Promise<TimelineGift[]> {
	if (rows.length === 0) return [];
	const costs = await db
		.selectFrom('gift_costs')
		.select(['entry_id', 'currency', 'coins', 'amount'])
		.where(
			'entry_id',
			'in',
			rows.map((g) => g.id)
		)
		.orderBy('currency')
		.execute();
	return rows.map((g) => {
		const own = costs.filter((c) => c.entry_id === g.id);
		return {
			id: g.id,
			coins: Math.abs(g.coins),
			occurredAt: Number(g.occurred_at),
			giftName: g.name,
			giftEmoji: g.emoji,
			cost: own
				.filter((c) => c.currency !== NO_CURRENCY)
				.map((c) => ({ amount: Number(c.amount), currency: c.currency })),
			freeCoins: own
				.filter((c) => c.currency === NO_CURRENCY)
				.reduce((sum, c) => sum + Number(c.coins), 0)
		};
	});
}
