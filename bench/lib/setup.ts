import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Database } from '../../src/lib/server/db';
import type { PurchaseKind } from '../../src/lib/server/db/schema';
import * as access from '../../src/lib/server/access';
import * as accounts from '../../src/lib/server/accounts';
import * as family from '../../src/lib/server/family';
import * as totals from '../../src/lib/server/ledger/totals';
import * as limits from '../../src/lib/server/policy/limits';
import { windowOf } from '../../src/lib/server/policy/periods';
import { signUp } from '../../src/lib/schemas/account';
import { limitInput } from '../../src/lib/schemas/limits';
import { MINOR_RULES, standingApprovalInput } from '../../src/lib/schemas/rules';
import { root } from './paths';
import {
	CREATORS,
	CURRENCY,
	TIME_ZONES,
	creatorId,
	favouriteCreator,
	historyStream,
	type BenchAccount,
	type HistoryEntry
} from './workload';

// Set-up goes through the app's own code: the operator CLI for the API key, the accounts
// and limits modules for people and their limits (what `admin create-user` / `set-limit`
// run), totals.rebuild for imported history. Only the bulk history rows are written directly.

/** `npm run admin -- create-api-key` against this database (tsx directly: npm adds noise). */
export function createOperatorKey(databaseUrl: string): string {
	const run = spawnSync(
		join(root, 'node_modules', '.bin', 'tsx'),
		['db/cli/admin.ts', 'create-api-key', '--name', 'bench purchase flow'],
		{ cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' }
	);
	if (run.status !== 0) throw new Error(`admin create-api-key failed:\n${run.stderr}`);
	const line = run.stdout.trim().split('\n').pop()!;
	return (JSON.parse(line) as { apiKey: string }).apiKey;
}

/** Creators as the app records them when first seen. */
export async function createCreators(database: Database): Promise<void> {
	const now = Date.now();
	const rows = Array.from({ length: CREATORS }, (_, i) => ({
		id: creatorId(i),
		handle: null,
		display_name: creatorId(i),
		first_seen_at: now
	}));
	await database.db
		.insertInto('creators')
		.values(rows)
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();
}

type LimitSpec = {
	appliesTo: string;
	metric: string;
	period: string;
	amount: number;
	creatorId?: string;
	action: string;
};

/** An adult's limits (a minor gets two more, set as a guardian would). */
export function limitsFor(index: number, isMinor: boolean, monthlyCoins: number): LimitSpec[] {
	const specs: LimitSpec[] = [
		// monthly coins budget: blocks
		{
			appliesTo: 'recharge',
			metric: 'coins',
			period: 'month',
			amount: monthlyCoins,
			action: 'block'
		},
		// one purchase at most 5 000 coins: the biggest pack is declined
		{ appliesTo: 'recharge', metric: 'coins', period: 'purchase', amount: 5_000, action: 'block' },
		// daily spend alert at $200: approvals carry a warning beyond it
		{ appliesTo: 'recharge', metric: 'money', period: 'day', amount: 20_000, action: 'warn' },
		// per-creator gift allocation: 20 000 coins a month to the favourite creator
		{
			appliesTo: 'gift',
			metric: 'coins',
			period: 'month',
			amount: 20_000,
			creatorId: favouriteCreator(index),
			action: 'block'
		}
	];
	if (isMinor) {
		// a guardian approves any recharge above $10 and caps gifts at 2 000 coins a day
		specs.push(
			{
				appliesTo: 'recharge',
				metric: 'money',
				period: 'purchase',
				amount: 1_000,
				action: 'approval'
			},
			{ appliesTo: 'gift', metric: 'coins', period: 'day', amount: 2_000, action: 'block' }
		);
	}
	return specs;
}

async function setLimits(database: Database, accountId: string, specs: LimitSpec[]) {
	for (const spec of specs) {
		const input = limitInput.parse(spec);
		// As `admin set-limit` does: operator limits apply at once, money in the account's currency.
		await limits.add(
			database.db,
			accountId,
			{ ...input, currency: input.metric === 'money' ? CURRENCY : null },
			{ role: 'operator', accountId: null },
			Date.now()
		);
	}
}

const BENCH_BALANCE = 1_000_000_000;

async function createAccount(database: Database, name: string, index: number, isMinor: boolean) {
	const input = signUp.parse({
		email: `${name}@bench.example`,
		password: 'bench-password-123',
		displayName: name,
		timeZone: TIME_ZONES[index % TIME_ZONES.length],
		currency: CURRENCY
	});
	const account = await accounts.create(database.db, { ...input, isMinor });
	// Coins bought before the run, so that gifts are decided by the limits and not all
	// declined for want of coins (a bench hold is never captured: it stays on hold).
	await database.db
		.updateTable('accounts')
		.set({ coin_balance: BENCH_BALANCE })
		.where('id', '=', account.id)
		.execute();
	return account;
}

/**
 * A minor's guardian and family, as the Family page makes them: gifts allowed (recharges above
 * $10 still wait, by the limit above), third-party sellers and gift cards off, and a standing
 * approval of 2 000 coins of recharges a day, so the rule kinds are all read and decided.
 */
async function giveGuardian(database: Database, minorId: string, index: number) {
	const guardian = await createAccount(database, `guardian-${index}`, index, false);
	await family.link(database.db, guardian.id, minorId);
	const actor = await access.userActor(database.db, { id: guardian.id, isMinor: false });
	await family.controls.setRules(
		database.db,
		actor,
		minorId,
		{ rules: { ...MINOR_RULES, giftingAllowed: true }, asks: { recharge: false, gift: false } },
		Date.now()
	);
	await family.controls.addStanding(
		database.db,
		actor,
		minorId,
		standingApprovalInput.parse({ appliesTo: 'recharge', period: 'day', coins: 2_000 }),
		Date.now()
	);
}

/** `count` accounts (every tenth a minor), each with its limits; 4 at a time (argon2 hashing). */
export async function createPool(
	database: Database,
	count: number,
	monthlyCoins: number
): Promise<BenchAccount[]> {
	const pool: BenchAccount[] = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			const isMinor = index % 10 === 9;
			const account = await createAccount(database, `pool-${index}`, index, isMinor);
			await setLimits(database, account.id, limitsFor(index, isMinor, monthlyCoins));
			if (isMinor) await giveGuardian(database, account.id, index);
			pool[index] = { id: account.id, index, isMinor };
		}
	};
	await Promise.all([worker(), worker(), worker(), worker()]);
	return pool;
}

export interface HistoryAccount extends BenchAccount {
	timeZone: string;
	entries: number;
	loadSeconds: number;
	totalsRows: number;
}

const DAY = 86_400_000;
const HISTORY_DAYS = 730;

interface Writer {
	/** Takes rows of the 13 ledger_entries columns in COLUMNS order. */
	write(rows: unknown[][]): Promise<void>;
	close(): Promise<void>;
}

const COLUMNS = [
	'id',
	'account_id',
	'kind',
	'coins',
	'price_amount',
	'currency',
	'creator_id',
	'gift_id',
	'pack_id',
	'channel',
	'payment_method',
	'authorization_id',
	'occurred_at'
] as const;

/** SQLite: one prepared 500-row INSERT, reused, inside one transaction per batch. */
function sqliteWriter(file: string): Writer {
	const sqlite = new SqliteDatabase(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	const ROWS = 500;
	const tuple = `(${COLUMNS.map(() => '?').join(',')})`;
	const insertMany = sqlite.prepare(
		`insert into ledger_entries (${COLUMNS.join(',')}) values ${Array(ROWS).fill(tuple).join(',')}`
	);
	const insertOne = sqlite.prepare(
		`insert into ledger_entries (${COLUMNS.join(',')}) values ${tuple}`
	);
	const writeBatch = sqlite.transaction((rows: unknown[][]) => {
		let i = 0;
		for (; i + ROWS <= rows.length; i += ROWS) insertMany.run(rows.slice(i, i + ROWS).flat());
		for (; i < rows.length; i++) insertOne.run(rows[i]);
	});
	return {
		async write(rows) {
			writeBatch(rows);
		},
		async close() {
			sqlite.close();
		}
	};
}

/** PostgreSQL: 50 000 rows per statement as parallel arrays through unnest(), COPY-like. */
async function postgresWriter(url: string): Promise<Writer> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	// As pg_restore does: skip the foreign-key triggers for the bulk rows (the account and the
	// creators they point at exist). Needs a superuser; without one, the checks just run.
	await client.query('set session_replication_role = replica').catch(() => undefined);
	const types = [
		'text',
		'text',
		'text',
		'bigint',
		'bigint',
		'text',
		'text',
		'text',
		'text',
		'text',
		'text',
		'text',
		'bigint'
	];
	const statement = `insert into ledger_entries (${COLUMNS.join(',')}) select * from unnest(${types
		.map((t, i) => `$${i + 1}::${t}[]`)
		.join(',')})`;
	let pending: Promise<unknown> = Promise.resolve();
	let failure: unknown = null;
	const check = () => {
		if (failure) throw failure;
	};
	return {
		async write(rows) {
			const columns = COLUMNS.map((_, c) => rows.map((r) => r[c]));
			await pending; // one statement in flight while the next batch is generated
			check();
			pending = client.query(statement, columns).catch((error) => (failure = error));
		},
		async close() {
			await pending;
			await client.end();
			check();
		}
	};
}

/**
 * Writes `count` ledger entries of history for one account, spread over the two years that
 * end 32 days ago (so none falls in the current day, week or month: the current periods'
 * totals are what the benchmark itself adds, the same for every account), and returns the
 * period totals those entries make. The totals use the app's own `totals.rowsFor` and
 * `totals.periodKeysAt`, once per local day and kind of entry (its amounts summed: rowsFor is
 * linear in them) rather than once per entry as `totals.recompute` does, which would take
 * minutes for a million entries.
 */
async function writeHistory(
	writer: Writer,
	accountId: string,
	timeZone: string,
	count: number,
	seed: number,
	batchRows: number
): Promise<totals.TotalsRow[]> {
	const next = historyStream(seed);
	const sums = new Map<string, totals.TotalsRow>();
	const addRow = (kind: string, periodKey: string, scope: string, amount: number) => {
		const key = `${kind}|${periodKey}|${scope}`;
		const sum = sums.get(key);
		if (sum) sum.captured += amount;
		else sums.set(key, { kind, period_key: periodKey, scope, captured: amount, held: 0 });
	};
	const end = Date.now() - 32 * DAY;
	let day = windowOf('day', timeZone, end - HISTORY_DAYS * DAY);
	let written = 0;
	let batch: unknown[][] = [];
	let random = seed;
	const tag = accountId.slice(-8);
	for (let d = 0; d < HISTORY_DAYS; d++) {
		const todays =
			Math.floor(((d + 1) * count) / HISTORY_DAYS) - Math.floor((d * count) / HISTORY_DAYS);
		const keys = totals.periodKeysAt(timeZone, day.start);
		const length = day.end - day.start;
		// The day's entries summed per kind, creator, currency and whether a price was paid.
		const daily = new Map<string, HistoryEntry>();
		for (let i = 0; i < todays; i++) {
			const entry = next();
			random = (random * 1103515245 + 12345) % 2147483648;
			const occurredAt = day.start + Math.floor((random / 2147483648) * length);
			const id = `led_hist_${tag}_${(written++).toString(36).padStart(6, '0')}`;
			batch.push([
				id,
				accountId,
				entry.kind,
				entry.kind === 'recharge' ? entry.coins : -entry.coins,
				entry.price_amount,
				entry.currency,
				entry.creator_id,
				null,
				null,
				entry.channel,
				entry.payment_method,
				null,
				occurredAt
			]);
			const group = `${entry.kind}|${entry.creator_id}|${entry.currency}|${entry.price_amount ? 1 : 0}`;
			const sum = daily.get(group);
			if (sum) {
				sum.coins += entry.coins;
				if (sum.price_amount !== null) sum.price_amount += entry.price_amount ?? 0;
			} else daily.set(group, { ...entry });
			if (batch.length >= batchRows) {
				await writer.write(batch);
				batch = [];
			}
		}
		for (const sum of daily.values()) {
			for (const row of totals.rowsFor({ ...sum, ...keys }))
				addRow(sum.kind, row.period_key, row.scope, row.amount);
		}
		day = windowOf('day', timeZone, day.end);
	}
	if (batch.length) await writer.write(batch);
	await writer.close();
	return [...sums.values()].sort((a, b) =>
		`${a.kind}|${a.period_key}|${a.scope}`.localeCompare(`${b.kind}|${b.period_key}|${b.scope}`)
	);
}

function sameTotals(a: totals.TotalsRow[], b: totals.TotalsRow[]): string | null {
	if (a.length !== b.length) return `${a.length} rows vs ${b.length}`;
	for (let i = 0; i < a.length; i++) {
		const x = a[i]!;
		const y = b[i]!;
		if (
			x.kind !== y.kind ||
			x.period_key !== y.period_key ||
			x.scope !== y.scope ||
			Number(x.captured) !== Number(y.captured) ||
			Number(x.held) !== Number(y.held)
		)
			return `${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
	}
	return null;
}

/**
 * An account with `entries` ledger entries of history and the usual limits (its monthly
 * coin budget sized for a whole benchmark's traffic on one account). Up to 20 000 entries
 * the totals are built by the app's `totals.rebuild` and checked against this file's own
 * computation; beyond, this file's computation (so checked) is written directly.
 */
export async function createHistoryAccount(
	database: Database,
	databaseUrl: string,
	name: string,
	index: number,
	entries: number,
	seed: number
): Promise<HistoryAccount> {
	const started = Date.now();
	const account = await createAccount(database, name, index, false);
	await setLimits(database, account.id, limitsFor(index, false, 1_000_000_000));
	const writer =
		database.dialect === 'sqlite' ? sqliteWriter(databaseUrl) : await postgresWriter(databaseUrl);
	const expected = await writeHistory(
		writer,
		account.id,
		account.time_zone,
		entries,
		seed,
		database.dialect === 'sqlite' ? 10_000 : 50_000
	);
	if (entries <= 20_000) {
		await database.db.transaction().execute((trx) => totals.rebuild(trx, account.id));
		const mismatch = sameTotals(expected, await totals.stored(database.db, account.id));
		if (mismatch) throw new Error(`history totals differ from totals.rebuild: ${mismatch}`);
	} else {
		for (let i = 0; i < expected.length; i += 1000) {
			await database.db
				.insertInto('period_totals')
				.values(
					expected
						.slice(i, i + 1000)
						.map((r) => ({ account_id: account.id, ...r, kind: r.kind as PurchaseKind }))
				)
				.execute();
		}
	}
	return {
		id: account.id,
		index,
		isMinor: false,
		timeZone: account.time_zone,
		entries,
		loadSeconds: (Date.now() - started) / 1000,
		totalsRows: expected.length
	};
}
