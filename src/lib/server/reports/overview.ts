import { sql, type Kysely } from 'kysely';
import type { SessionUser } from '../auth/sessions';
import type { DB, Limit } from '../db/schema';
import * as access from '../access';
import * as approvals from '../approvals';
import * as notify from '../notify';
import { periodKey, scopeOf, totalsKey, windowsAt } from '../policy/decide';
import * as limits from '../policy/limits';
import * as scopes from '../policy/scopes';
import { asText, describe } from '../policy/limit-words';
import * as creatorReports from './creators';
import * as history from './history';
import { paceOf, type Pace } from './pace';

// The Overview: everything read from summaries (period_totals, creator_spend) or a handful of
// newest rows through an index, so it costs the same for a long history as for a short one.

export interface BudgetProgress {
	id: string;
	text: string;
	metric: Limit['metric'];
	currency: string | null;
	period: Limit['period'];
	amount: number;
	captured: number;
	held: number;
	/** Per-purchase limits have no running total: no bar, no pace. */
	pace: Pace | null;
	resetsAt: number | null;
}

export interface Activity {
	id: string;
	kind: 'recharge' | 'gift';
	status: 'declined' | 'pending_approval';
	coins: number;
	priceAmount: number | null;
	currency: string | null;
	creatorName: string | null;
	/** The sentences the purchase flow was answered with. */
	reasons: string[];
	at: number;
}

const LATEST = 8;

export async function load(db: Kysely<DB>, user: SessionUser, now: number) {
	const windows = windowsAt(user.timeZone, now);
	const monthKey = periodKey('month', windows.month);
	const actor = await access.userActor(db, user);
	const [account, own, month, top, latest, declined, waiting, notices, toDecide] =
		await Promise.all([
			db.selectFrom('accounts').select('coin_balance').where('id', '=', user.id).executeTakeFirst(),
			limits.list(db, user.id, now),
			db
				.selectFrom('period_totals')
				.select(['kind', 'scope', 'captured', 'held'])
				.where('account_id', '=', user.id)
				// Both kinds named, so the primary key (account, kind, period, scope) serves it.
				.where('kind', 'in', ['recharge', 'gift'])
				.where('period_key', '=', monthKey)
				.where((eb) =>
					eb.or([eb('scope', '=', scopes.coins), eb('scope', 'like', `${scopes.money('')}%`)])
				)
				.execute(),
			creatorReports.forKeys(db, user.id, [monthKey]),
			history.page(db, user.id, { limit: 10 }),
			unsettled(db, user.id, 'declined'),
			unsettled(db, user.id, 'pending_approval'),
			notify.inbox.list(db, user.id),
			actor.family?.role === 'guardian' ? approvals.pending(db, actor, now) : Promise.resolve([])
		]);

	const active = own.filter((l) => l.effective_at <= now);
	const counted = active.filter((l) => l.period !== 'purchase');
	const keyed = new Map<string, [number, number]>();
	const needed = counted.map((l) => {
		const key = periodKey(l.period as 'day' | 'week' | 'month', windows[l.period as 'day']);
		return {
			limit: l,
			key,
			scope: scopeOf({ metric: l.metric, currency: l.currency, creatorId: l.creator_id })
		};
	});
	for (const kind of ['recharge', 'gift'] as const) {
		const mine = needed.filter((n) => n.limit.applies_to === kind);
		if (!mine.length) continue;
		const rows = await db
			.selectFrom('period_totals')
			.select(['period_key', 'scope', 'captured', 'held'])
			.where('account_id', '=', user.id)
			.where('kind', '=', kind)
			.where('period_key', 'in', [...new Set(mine.map((n) => n.key))])
			.where('scope', 'in', [...new Set(mine.map((n) => n.scope))])
			.execute();
		for (const r of rows)
			keyed.set(`${kind}|${totalsKey(r.period_key, r.scope)}`, [r.captured, r.held]);
	}
	const described = await budgetsText(db, active, user.locale);
	const budgets: BudgetProgress[] = active.map((limit) => {
		const need = needed.find((n) => n.limit.id === limit.id);
		const [captured, held] = need
			? (keyed.get(`${limit.applies_to}|${totalsKey(need.key, need.scope)}`) ?? [0, 0])
			: [0, 0];
		const window = limit.period === 'purchase' ? null : windows[limit.period];
		return {
			id: limit.id,
			text: described.get(limit.id) ?? '',
			metric: limit.metric,
			currency: limit.currency,
			period: limit.period,
			amount: limit.amount,
			captured,
			held,
			pace: window ? paceOf(captured + held, limit.amount, window, now) : null,
			resetsAt: window?.end ?? null
		};
	});

	const sum = (kind: string, scope: string) =>
		month.filter((r) => r.kind === kind && r.scope === scope).reduce((n, r) => n + r.captured, 0);
	const paid = month
		.filter((r) => r.kind === 'recharge' && r.scope.startsWith(scopes.money('')) && r.captured > 0)
		.map((r) => ({ amount: r.captured, currency: r.scope.slice(scopes.money('').length) }));

	return {
		balance: account?.coin_balance ?? 0,
		monthStart: windows.month.start,
		thisMonth: {
			coinsBought: sum('recharge', scopes.coins),
			coinsGifted: sum('gift', scopes.coins),
			paid
		},
		budgets,
		topCreators: top.slice(0, 5),
		latest: latest.rows,
		unsettled: [...declined, ...waiting].sort((a, b) => b.at - a.at).slice(0, LATEST),
		alerts: notices.filter((n) => !n.read).slice(0, 5),
		toDecide: toDecide.length
	};
}

async function budgetsText(db: Kysely<DB>, rows: Limit[], locale: string) {
	const ids = [...new Set(rows.flatMap((l) => (l.creator_id ? [l.creator_id] : [])))];
	const names = ids.length
		? await db
				.selectFrom('creators')
				.select(['id', 'display_name', 'handle'])
				.where('id', 'in', ids)
				.execute()
		: [];
	return new Map(
		rows.map((l) => {
			const c = names.find((n) => n.id === l.creator_id);
			return [
				l.id,
				asText(
					describe(
						l,
						l.creator_id
							? { name: c?.display_name ?? l.creator_id, handle: c?.handle ?? null }
							: null,
						locale
					)
				)
			];
		})
	);
}

/**
 * The condition of the partial index `authorizations_account_unsettled_time`, word for word:
 * SQLite uses a partial index only for a query that states its condition.
 */
const UNSETTLED = sql<boolean>`a.status in ('declined', 'pending_approval')`;

/** The newest declined or waiting purchases (a partial index on account, status and time). */
export function unsettledQuery(
	db: Kysely<DB>,
	accountId: string,
	status: 'declined' | 'pending_approval'
) {
	return db
		.selectFrom('authorizations as a')
		.leftJoin('creators as c', 'c.id', 'a.creator_id')
		.select([
			'a.id',
			'a.kind',
			'a.coins',
			'a.price_amount',
			'a.currency',
			'c.display_name',
			'a.reasons',
			'a.created_at'
		])
		.where('a.account_id', '=', accountId)
		.where(UNSETTLED)
		.where('a.status', '=', status)
		.orderBy('a.created_at', 'desc')
		.limit(LATEST);
}

async function unsettled(
	db: Kysely<DB>,
	accountId: string,
	status: 'declined' | 'pending_approval'
): Promise<Activity[]> {
	const rows = await unsettledQuery(db, accountId, status).execute();
	return rows.map((r) => ({
		id: r.id,
		kind: r.kind,
		status,
		coins: r.coins,
		priceAmount: r.price_amount,
		currency: r.currency,
		creatorName: r.display_name,
		reasons: (JSON.parse(r.reasons) as { message: string }[]).map((reason) => reason.message),
		at: Number(r.created_at)
	}));
}
