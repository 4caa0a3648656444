import type { Kysely } from 'kysely';
import * as access from '../access';
import * as accounts from '../accounts';
import * as approvals from '../approvals';
import * as context from '../approvals/context';
import type { DB } from '../db/schema';
import { NotFoundError } from '../access';
import { windowOf } from '../policy/periods';
import { asText, describe } from '../policy/limit-words';
import * as history from '../reports/history';

// What a guardian sees of a minor: read-only views built from the same queries the minor's own
// pages use. Every function asks access for 'minor.read' first, so a caller cannot forget it.

/** The minor's account as the oversight pages show it; not-found unless `actor` may read it. */
export async function minor(db: Kysely<DB>, actor: access.Actor, minorId: string) {
	await access.require(db, actor, 'minor.read', minorId);
	const account = await accounts.get(db, minorId);
	if (!account) throw new NotFoundError();
	return {
		id: account.id,
		displayName: account.display_name,
		timeZone: account.time_zone,
		currency: account.currency,
		balance: account.coin_balance
	};
}

export type Minor = Awaited<ReturnType<typeof minor>>;

/**
 * Balance, this month's spending against each limit, pending requests and latest activity;
 * amounts in words are in `locale`, the viewing guardian's.
 */
export async function overview(
	db: Kysely<DB>,
	actor: access.Actor,
	who: Minor,
	locale: string,
	now = Date.now()
) {
	await access.require(db, actor, 'minor.read', who.id);
	const month = windowOf('month', who.timeZone, now);
	const [standing, spent, latest, waiting] = await Promise.all([
		context.standing(db, who.id, who, now),
		history.summary(db, who.id, month.start, month.end),
		history.page(db, who.id, { limit: 5 }),
		approvals.pending(db, actor, now)
	]);
	const ids = [...new Set(standing.limits.flatMap((l) => (l.creatorId ? [l.creatorId] : [])))];
	const names = new Map(
		(await creatorRows(db, ids)).map((c) => [c.id, { name: c.display_name, handle: c.handle }])
	);
	return {
		month: standing.month,
		// What went through (the ledger), as on the minor's own Overview; the limits below count
		// purchases on hold too, as the decision does.
		thisMonth: spent,
		limits: standing.limits.map((l) => ({
			id: l.limitId,
			text: asText(
				describe(
					{
						applies_to: l.appliesTo,
						metric: l.metric,
						period: l.period,
						amount: l.amount,
						currency: l.currency,
						action: l.action,
						creator_id: l.creatorId
					},
					l.creatorId ? (names.get(l.creatorId) ?? { name: l.creatorId, handle: null }) : null,
					locale
				)
			),
			metric: l.metric,
			period: l.period,
			currency: l.currency,
			amount: l.amount,
			used: l.used,
			left: l.left
		})),
		pending: waiting
			.filter((r) => r.minor.id === who.id)
			.map(({ approvalId, kind, coins, price, creator, expiresAt }) => ({
				approvalId,
				kind,
				coins,
				price,
				creator: creator?.name ?? null,
				expiresAt
			})),
		latest: latest.rows
	};
}

function creatorRows(db: Kysely<DB>, ids: string[]) {
	if (ids.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('creators')
		.select(['id', 'display_name', 'handle'])
		.where('id', 'in', ids)
		.execute();
}
