import { sql, type Kysely } from 'kysely';

// What gifts cost in real money, first-in first-out over the recharges that paid for them.
// - coin_lots: each captured recharge, with the coins not yet given away.
// - gift_costs: each captured gift's cost per currency ('XXX', ISO 4217's "no currency", for
//   coins that no paid recharge stands behind: they cost nothing).
// - creator_spend / creator_costs: per account, period (day and month keys, as period_totals
//   writes them) and creator, so pages and reports read summaries, not the history.
// An index serves the Overview's latest declines. The backfill replays each account's ledger
// in order, as costs.rebuild (src/lib/server/costs) does, copied because a migration is frozen.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('coin_lots')
		.addColumn('entry_id', 'text', (c) =>
			c.primaryKey().references('ledger_entries.id').onDelete('cascade')
		)
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('occurred_at', 'bigint', (c) => c.notNull())
		.addColumn('coins', 'integer', (c) => c.notNull())
		.addColumn('coins_left', 'integer', (c) => c.notNull())
		.addColumn('price_amount', 'bigint', (c) => c.notNull())
		.addColumn('currency', 'text', (c) => c.notNull())
		.addCheckConstraint('coin_lots_left', sql`coins_left >= 0 and coins_left <= coins`)
		.execute();
	// The oldest lots with coins left; spent lots drop out of the index, so a gift reads a few rows.
	await db.schema
		.createIndex('coin_lots_open')
		.on('coin_lots')
		.columns(['account_id', 'occurred_at', 'entry_id'])
		.where(sql<boolean>`coins_left > 0`)
		.execute();

	await db.schema
		.createTable('gift_costs')
		.addColumn('entry_id', 'text', (c) =>
			c.notNull().references('ledger_entries.id').onDelete('cascade')
		)
		.addColumn('currency', 'text', (c) => c.notNull())
		.addColumn('coins', 'integer', (c) => c.notNull())
		.addColumn('amount', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('gift_costs_pk', ['entry_id', 'currency'])
		.execute();

	await db.schema
		.createTable('creator_spend')
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('period_key', 'text', (c) => c.notNull())
		.addColumn('creator_id', 'text', (c) => c.notNull())
		.addColumn('coins', 'bigint', (c) => c.notNull())
		.addColumn('gifts', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('creator_spend_pk', ['account_id', 'period_key', 'creator_id'])
		.execute();

	await db.schema
		.createTable('creator_costs')
		.addColumn('account_id', 'text', (c) =>
			c.notNull().references('accounts.id').onDelete('cascade')
		)
		.addColumn('period_key', 'text', (c) => c.notNull())
		.addColumn('creator_id', 'text', (c) => c.notNull())
		.addColumn('currency', 'text', (c) => c.notNull())
		.addColumn('coins', 'bigint', (c) => c.notNull())
		.addColumn('amount', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('creator_costs_pk', [
			'account_id',
			'period_key',
			'creator_id',
			'currency'
		])
		.execute();

	// The Overview's newest declined and waiting purchases, without reading the history.
	await db.schema
		.createIndex('authorizations_account_status_time')
		.on('authorizations')
		.columns(['account_id', 'status', 'created_at'])
		.execute();

	await backfill(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('authorizations_account_status_time').execute();
	await db.schema.dropTable('creator_costs').execute();
	await db.schema.dropTable('creator_spend').execute();
	await db.schema.dropTable('gift_costs').execute();
	await db.schema.dropTable('coin_lots').execute();
}

const NO_CURRENCY = 'XXX';

interface Lot {
	entry_id: string;
	account_id: string;
	occurred_at: number;
	coins: number;
	coins_left: number;
	price_amount: number;
	currency: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function backfill(db: Kysely<any>): Promise<void> {
	const accounts: { id: string; time_zone: string }[] = await db
		.selectFrom('accounts')
		.select(['id', 'time_zone'])
		.execute();
	for (const account of accounts) {
		const entries: {
			id: string;
			kind: string;
			coins: number;
			price_amount: number | string | null;
			currency: string | null;
			creator_id: string | null;
			occurred_at: number | string;
			day_key: string | null;
			month_key: string | null;
		}[] = await db
			.selectFrom('ledger_entries as l')
			.leftJoin('authorizations as a', 'a.id', 'l.authorization_id')
			.select([
				'l.id',
				'l.kind',
				'l.coins',
				'l.price_amount',
				'l.currency',
				'l.creator_id',
				'l.occurred_at',
				'a.day_key',
				'a.month_key'
			])
			.where('l.account_id', '=', account.id)
			.orderBy('l.occurred_at')
			.orderBy('l.id')
			.execute();
		if (entries.length === 0) continue;
		const lots: Lot[] = [];
		let oldest = 0;
		const costs: { entry_id: string; currency: string; coins: number; amount: number }[] = [];
		const spend = new Map<
			string,
			{ period_key: string; creator_id: string; coins: number; gifts: number }
		>();
		const byCurrency = new Map<
			string,
			{ period_key: string; creator_id: string; currency: string; coins: number; amount: number }
		>();
		for (const entry of entries) {
			const at = Number(entry.occurred_at);
			if (entry.kind === 'recharge') {
				const paid = entry.currency !== null && entry.price_amount !== null;
				lots.push({
					entry_id: entry.id,
					account_id: account.id,
					occurred_at: at,
					coins: Math.abs(entry.coins),
					coins_left: Math.abs(entry.coins),
					price_amount: paid ? Number(entry.price_amount) : 0,
					currency: paid ? entry.currency! : NO_CURRENCY
				});
				continue;
			}
			let wanted = Math.abs(entry.coins);
			const parts = new Map<string, { coins: number; amount: number }>();
			const take = (currency: string, coins: number, amount: number) => {
				const part = parts.get(currency) ?? { coins: 0, amount: 0 };
				part.coins += coins;
				part.amount += amount;
				parts.set(currency, part);
			};
			while (wanted > 0 && oldest < lots.length) {
				const lot = lots[oldest]!;
				const taken = Math.min(wanted, lot.coins_left);
				const spentBefore = lot.coins - lot.coins_left;
				take(
					lot.currency,
					taken,
					share(lot.price_amount, lot.coins, spentBefore + taken) -
						share(lot.price_amount, lot.coins, spentBefore)
				);
				lot.coins_left -= taken;
				wanted -= taken;
				if (lot.coins_left === 0) oldest++;
			}
			if (wanted > 0) take(NO_CURRENCY, wanted, 0);
			const keys = [
				entry.day_key ?? dayKey(at, account.time_zone),
				entry.month_key ?? monthKey(at, account.time_zone)
			];
			const creator = entry.creator_id ?? '';
			for (const key of keys) {
				const s = spend.get(`${key}|${creator}`) ?? {
					period_key: key,
					creator_id: creator,
					coins: 0,
					gifts: 0
				};
				s.coins += Math.abs(entry.coins);
				s.gifts += 1;
				spend.set(`${key}|${creator}`, s);
			}
			for (const [currency, part] of parts) {
				costs.push({ entry_id: entry.id, currency, ...part });
				for (const key of keys) {
					const id = `${key}|${creator}|${currency}`;
					const c = byCurrency.get(id) ?? {
						period_key: key,
						creator_id: creator,
						currency,
						coins: 0,
						amount: 0
					};
					c.coins += part.coins;
					c.amount += part.amount;
					byCurrency.set(id, c);
				}
			}
		}
		const withAccount = <T>(rows: T[]) => rows.map((r) => ({ account_id: account.id, ...r }));
		await insertAll(db, 'coin_lots', lots);
		await insertAll(db, 'gift_costs', costs);
		await insertAll(db, 'creator_spend', withAccount([...spend.values()]));
		await insertAll(db, 'creator_costs', withAccount([...byCurrency.values()]));
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function insertAll(db: Kysely<any>, table: string, rows: object[]) {
	for (let i = 0; i < rows.length; i += 200) {
		await db
			.insertInto(table)
			.values(rows.slice(i, i + 200))
			.execute();
	}
}

/** The money behind the first `spent` coins of a lot, rounded down: lots never give out more than they cost. */
function share(price: number, coins: number, spent: number): number {
	if (coins === 0) return 0;
	return Number((BigInt(price) * BigInt(spent)) / BigInt(coins));
}

function parts(at: number, timeZone: string) {
	const values = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(at);
	const get = (type: string) => values.find((p) => p.type === type)!.value;
	return { year: get('year'), month: get('month'), day: get('day') };
}

function dayKey(at: number, timeZone: string) {
	const p = parts(at, timeZone);
	return `day:${p.year}-${p.month}-${p.day}`;
}

function monthKey(at: number, timeZone: string) {
	const p = parts(at, timeZone);
	return `month:${p.year}-${p.month}`;
}
