// `npm run bench`: purchase.authorize against health.ping on the production server, on
// SQLite and on PostgreSQL. See bench/README.md for what is measured and how.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/lib/server/db';
import { migrateToLatest } from '../src/lib/server/db/migrate';
import { buildOnce } from './lib/build';
import { setOwnDatabase, waitForIdle, waitForQuiet } from './lib/cpu';
import { inspectAnswer, mergeRounds, runLoad, type LoadResult, type LoadSpec } from './lib/load';
import { describeMachine, describeSource } from './lib/machine';
import { DEFAULT_PG_SERVER, createScratchDatabase, redact } from './lib/postgres';
import { summarise } from './lib/profile';
import { profDir, root, work } from './lib/paths';
import {
	evaluate,
	printDialect,
	formatComparison,
	writeMarkdown,
	writeReports,
	type Profiled,
	type BenchResults,
	type DialectResult,
	type Figures
} from './lib/report';
import * as reports from './lib/reports';
import { startServer, type RunningServer } from './lib/server';
import { createCreators, createHistoryAccount, createOperatorKey, createPool } from './lib/setup';
import { requestStream, type BenchAccount } from './lib/workload';

const number = (name: string, fallback: number) => {
	const value = Number(process.env[name]);
	return Number.isFinite(value) && value > 0 ? value : fallback;
};

const config = {
	seconds: number('BENCH_SECONDS', 10),
	warmupSeconds: number('BENCH_WARMUP', 2),
	profileSeconds: number('BENCH_PROFILE_SECONDS', 8),
	connections: 16,
	/** Batches are 50 calls each: 4 connections keep 200 calls in flight (see README). */
	batchConnections: 4,
	batchSize: 50,
	rounds: 4,
	singleSeconds: 5,
	poolAccounts: number('BENCH_ACCOUNTS', 200),
	poolMonthlyCoins: 1_000_000,
	historyBig: number('BENCH_HISTORY', 1_000_000),
	historySmall: 1_000,
	/** auto: profile a dialect when one of its targets is missed; always; never. */
	profile: process.env.BENCH_PROFILE ?? 'auto',
	/** Seconds, in all, the run may wait for other processes on the machine to go quiet. */
	quietBudgetSeconds: number('BENCH_QUIET_BUDGET', 20),
	dialects: (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()),
	/** `reports`: only the report pages and the CSV export (a quick check with a small BENCH_HISTORY). */
	only: process.env.BENCH_ONLY ?? '',
	/** Sequential requests per report page measured (after 3 warm-up requests). */
	reportRequests: number('BENCH_REPORT_REQUESTS', 20),
	/** How deep the deep Transactions page is, in pages of 50. */
	deepPages: 1_000
};
const reportsOnly = config.only === 'reports';

const runId = Date.now().toString(36);
const started = Date.now();
const log = (line: string) =>
	console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const indent = (text: string) =>
	text
		.split('\n')
		.map((line) => `        ${line}`)
		.join('\n');

function range(n: number): number[] {
	return Array.from({ length: n }, (_, i) => i);
}

interface Target {
	origin: string;
	serverPid: number;
	apiKey: string;
}

type Shape = Pick<LoadSpec, 'method' | 'headers' | 'next' | 'batch'> & { connections?: number };

function pingShape(batch: number): Shape {
	if (batch === 1) return { method: 'GET', next: () => ({ path: '/api/trpc/health.ping' }) };
	// tRPC 11's fetch adapter takes a batch of queries as comma-joined paths with ?batch=1;
	// input is a JSON object keyed by position (null: the procedure takes no input).
	const input = encodeURIComponent(
		JSON.stringify(Object.fromEntries(range(batch).map((i) => [i, null])))
	);
	const path = `/api/trpc/${range(batch)
		.map(() => 'health.ping')
		.join(',')}?batch=1&input=${input}`;
	return { method: 'GET', batch, next: () => ({ path }) };
}

function authorizeShape(
	target: Target,
	accounts: readonly BenchAccount[],
	keyPrefix: string,
	seed: number,
	batch: number
): Shape {
	const nextBody = requestStream(accounts, keyPrefix, seed);
	const headers = {
		'content-type': 'application/json',
		authorization: `Bearer ${target.apiKey}`
	};
	if (batch === 1) {
		return {
			method: 'POST',
			headers,
			next: () => ({ path: '/api/trpc/purchase.authorize', body: JSON.stringify(nextBody()) })
		};
	}
	const path = `/api/trpc/${range(batch)
		.map(() => 'purchase.authorize')
		.join(',')}?batch=1`;
	return {
		method: 'POST',
		headers,
		batch,
		next: () => ({
			path,
			body: JSON.stringify(Object.fromEntries(range(batch).map((i) => [i, nextBody()])))
		})
	};
}

let quietWaited = 0;
/** Before a measurement: wait (within the budget) for other people's processes to calm down. */
async function quiet(target: Target) {
	const left = config.quietBudgetSeconds * 1000 - quietWaited;
	if (left <= 0) return;
	const waited = await waitForQuiet(target.serverPid, Math.min(left, 10_000));
	quietWaited += waited;
	if (waited > 2_000)
		log(`  (waited ${(waited / 1000).toFixed(1)} s for other processes to quieten)`);
}

async function load(target: Target, label: string, shape: Shape, seconds: number) {
	const result = await runLoad({
		label,
		origin: target.origin,
		connections:
			shape.connections ??
			(shape.batch && shape.batch > 1 ? config.batchConnections : config.connections),
		seconds,
		serverPid: target.serverPid,
		inspect: inspectAnswer,
		...shape
	});
	// Requests cut off at the end are still being answered: let them finish first.
	await waitForIdle(target.serverPid);
	return result;
}

function describe(result: LoadResult): string {
	const mix = result.tally;
	const decisions = mix.approved + mix.declined + mix.pending_approval;
	const share = (n: number) => `${((n / Math.max(1, decisions)) * 100).toFixed(0)}%`;
	const what = decisions
		? `approved ${share(mix.approved)}, declined ${share(mix.declined)}, pending ${share(mix.pending_approval)}`
		: `${mix.ok} ok`;
	const cpu = result.cpu
		? `; CPU server ${result.cpu.server}%, loadgen ${result.cpu.loadgen}%, postgres ${result.cpu.postgres}%, other ${result.cpu.other}%`
		: '';
	const errors =
		mix.errors || result.non2xx || result.socketErrors
			? `; ERRORS ${mix.errors} (non-2xx ${result.non2xx}, socket ${result.socketErrors}): ${mix.firstError ?? ''}`
			: '';
	return `${result.label}: ${result.rps} req/s (${result.callsPerSecond} calls/s), p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; ${what}${cpu}${errors}`;
}

interface Side {
	label: string;
	/** A fresh request stream for each phase (warm-up, round n): unique idempotency keys. */
	shape: (phase: string) => Shape;
}

/**
 * Two things compared: each warmed up, then measured in alternating rounds (a, b, a, b),
 * `config.seconds` in all per side, so that a burst of other work on the machine, or a slow
 * drift, does not land on one side only. Returns the merged figures of each side.
 */
async function measurePair(target: Target, a: Side, b: Side): Promise<[LoadResult, LoadResult]> {
	await quiet(target);
	for (const side of [a, b]) {
		const warm = await load(
			target,
			`${side.label} (warm-up)`,
			side.shape('warm'),
			config.warmupSeconds
		);
		if (warm.tally.errors || warm.non2xx) log(`  ${describe(warm)}`);
	}
	const rounds: [LoadResult[], LoadResult[]] = [[], []];
	const seconds = config.seconds / config.rounds;
	for (let round = 0; round < config.rounds; round++) {
		if (round > 0) await quiet(target);
		rounds[0].push(await load(target, a.label, a.shape(`r${round}`), seconds));
		rounds[1].push(await load(target, b.label, b.shape(`r${round}`), seconds));
	}
	const merged: [LoadResult, LoadResult] = [
		mergeRounds(a.label, rounds[0], a.shape('x').batch),
		mergeRounds(b.label, rounds[1], b.shape('x').batch)
	];
	for (const r of merged) log(`  ${describe(r)}`);
	return merged;
}

/**
 * CPU profiles of the server (`node --cpu-prof`), one under health.ping load and one under
 * purchase.authorize load, each cut to the load run itself: set side by side per call, they
 * show where authorize spends the time that ping does not.
 */
async function profileServer(
	databaseUrl: string,
	dialect: string,
	what: 'ping' | 'authorize',
	apiKey: string,
	pool: BenchAccount[]
): Promise<Profiled> {
	const dir = join(profDir, `${dialect}-${what}`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const server = await startServer(databaseUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
	const target = { origin: server.origin, serverPid: server.pid, apiKey };
	const shape = (phase: string) =>
		what === 'ping'
			? pingShape(1)
			: authorizeShape(target, pool, `${runId}-${dialect}-prof-${phase}`, 77, 1);
	let result: LoadResult;
	try {
		await quiet(target);
		await load(target, `profile warm-up (${what})`, shape('warm'), config.warmupSeconds);
		result = await load(target, `${what} under --cpu-prof`, shape('run'), config.profileSeconds);
	} finally {
		await server.stop(30_000); // the profile is written at exit
	}
	const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no .cpuprofile in ${dir}:\n${server.output().slice(-2000)}`);
	const summary = summarise(join(dir, file), result.window ?? null);
	log(`  ${describe(result)}`);
	const calls = result.callsPerSecond * result.seconds;
	return { what, summary, load: { ...result, samples: undefined }, calls };
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<DialectResult> {
	let databaseUrl: string;
	let drop: (() => Promise<void>) | undefined;
	let serverVersion: string | undefined;
	if (dialect === 'sqlite') {
		const dir = join(work, 'sqlite');
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		databaseUrl = join(dir, `bench-${runId}.db`);
	} else {
		const server = process.env.BENCH_DATABASE_URL || DEFAULT_PG_SERVER;
		const scratch = await createScratchDatabase(server);
		if ('unreachable' in scratch) {
			const reason = `PostgreSQL at ${redact(server)} is unreachable (${scratch.unreachable}); skipped.`;
			log(reason);
			return { dialect, skipped: reason };
		}
		databaseUrl = scratch.url;
		drop = scratch.drop;
		setOwnDatabase(scratch.name);
		serverVersion = scratch.version;
		log(`created database ${scratch.name} (PostgreSQL ${scratch.version})`);
	}

	try {
		// ---- data, through the app's own modules and CLI ----
		const setupStarted = Date.now();
		const database = openDatabase(databaseUrl);
		let pool: BenchAccount[] = [];
		let apiKey = '';
		let small, big;
		let reportSmall: reports.ReportAccount, reportBig: reports.ReportAccount;
		let deep: { cursor: string; page: number };
		try {
			await migrateToLatest(database);
			await createCreators(database);
			if (!reportsOnly) {
				apiKey = createOperatorKey(databaseUrl);
				pool = await createPool(database, config.poolAccounts, config.poolMonthlyCoins);
			}
			log(
				`${dialect}: ${pool.length} accounts with limits, an operator API key (${((Date.now() - setupStarted) / 1000).toFixed(1)} s)`
			);
			small = await createHistoryAccount(
				database,
				databaseUrl,
				'history-1k',
				1002,
				config.historySmall,
				11
			);
			big = await createHistoryAccount(
				database,
				databaseUrl,
				'history-1m',
				1008,
				config.historyBig,
				12
			);
			log(
				`${dialect}: history loaded: ${big.entries.toLocaleString('en-US')} entries in ${big.loadSeconds.toFixed(1)} s (${big.totalsRows} period_totals rows), ${small.entries} in ${small.loadSeconds.toFixed(1)} s (totals.rebuild, checked)`
			);
			// PostgreSQL's autovacuum would analyze the freshly loaded tables soon anyway.
			if (dialect === 'postgres') await sql`analyze`.execute(database.db);
			// The report pages need a session, as a person logged in would have.
			reportSmall = {
				id: small.id,
				entries: small.entries,
				cookie: await reports.sessionFor(database, small.id)
			};
			reportBig = {
				id: big.id,
				entries: big.entries,
				cookie: await reports.sessionFor(database, big.id)
			};
			// 1,000 pages deep, or as deep as a short (checking) history goes.
			const page = Math.max(1, Math.min(config.deepPages, Math.floor(big.entries / 50) - 1));
			deep = { page, cursor: await reports.deepCursor(database, reportBig, page) };
		} finally {
			await database.close();
		}
		const setupSeconds = (Date.now() - setupStarted) / 1000;

		// ---- measurements, on one server ----
		let server: RunningServer | undefined = await startServer(databaseUrl);
		const target = { origin: server.origin, serverPid: server.pid, apiKey };
		log(`${dialect}: server pid ${server.pid} at ${server.origin}`);
		let figures: Figures | undefined;
		let reportFigures: reports.ReportFigures;
		try {
			if (!reportsOnly) figures = await measureAuthorize();
			log(`${dialect}: report pages (${config.reportRequests} requests each) and the CSV export`);
			reportFigures = await reports.measure(
				target,
				reportSmall,
				reportBig,
				deep,
				config.reportRequests
			);
		} finally {
			await server.stop();
		}
		async function measureAuthorize(): Promise<Figures> {
			const keys = (label: string) => (phase: string) =>
				`${runId}-${dialect}-${label.replace(/[^A-Za-z0-9]+/g, '_')}-${phase}`;
			// The seed depends on the phase only, so both sides of a pair get the same sequence
			// of purchases (the history pair: the same purchases, on a different account).
			const seedOf = (phase: string) => [...phase].reduce((h, c) => h * 31 + c.charCodeAt(0), 7);
			const authorizing = (label: string, accounts: BenchAccount[], batch: number): Side => ({
				label,
				shape: (phase) => authorizeShape(target, accounts, keys(label)(phase), seedOf(phase), batch)
			});
			const [ping, authorize] = await measurePair(
				target,
				{ label: 'health.ping', shape: () => pingShape(1) },
				authorizing('purchase.authorize', pool, 1)
			);
			// Latency without queueing: one connection, one request at a time.
			await quiet(target);
			const single = await load(
				target,
				'purchase.authorize, 1 connection',
				{ ...authorizing('single', pool, 1).shape('single'), connections: 1 },
				config.singleSeconds
			);
			log(`  ${describe(single)}`);
			const [batchPing, batchAuthorize] = await measurePair(
				target,
				{
					label: `health.ping ×${config.batchSize} batched`,
					shape: () => pingShape(config.batchSize)
				},
				authorizing(`purchase.authorize ×${config.batchSize} batched`, pool, config.batchSize)
			);
			const [history1k, history1m] = await measurePair(
				target,
				authorizing('authorize, 1k-entry account', [small], 1),
				authorizing(
					`authorize, ${config.historyBig.toLocaleString('en-US')}-entry account`,
					[big],
					1
				)
			);
			return { ping, authorize, single, batchPing, batchAuthorize, history1k, history1m };
		}
		const internalErrors = server.internalErrors();
		if (internalErrors)
			log(
				`${dialect}: the server logged ${internalErrors} internal errors:\n${server.output().slice(-3000)}`
			);
		server = undefined;

		const result: DialectResult = {
			dialect,
			serverVersion,
			setupSeconds,
			history: {
				big: big.entries,
				bigLoadSeconds: big.loadSeconds,
				bigTotalsRows: big.totalsRows,
				small: small.entries
			},
			accounts: pool.length,
			figures,
			reports: reportFigures,
			internalErrors
		};
		const verdicts = evaluate(result);
		const missed = verdicts.some((v) => v.met === false);
		if (config.profile === 'always' || (config.profile === 'auto' && missed)) {
			log(
				`${dialect}: ${missed ? 'a target was missed: ' : ''}profiling the server under ping and authorize load`
			);
			const ping = await profileServer(databaseUrl, dialect, 'ping', apiKey, pool);
			const authorize = await profileServer(databaseUrl, dialect, 'authorize', apiKey, pool);
			result.profile = { ping, authorize };
			console.log(indent(formatComparison(result.profile)));
		}
		return result;
	} finally {
		if (drop) {
			await drop();
			log(`dropped the PostgreSQL database`);
		}
		if (dialect === 'sqlite') rmSync(join(work, 'sqlite'), { recursive: true, force: true });
	}
}

async function main() {
	mkdirSync(work, { recursive: true });
	const machine = describeMachine();
	log(
		`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`
	);
	log('building the app (npx vite build)…');
	const build = await buildOnce();
	log(`built in ${build.seconds.toFixed(1)} s`);

	const results: BenchResults = {
		date: new Date().toISOString(),
		machine,
		source: describeSource(),
		config: {
			...config,
			loadGenerator: 'autocannon in the bench process; server in a child process; same machine'
		},
		dialects: {}
	};
	for (const dialect of config.dialects) {
		if (dialect !== 'sqlite' && dialect !== 'postgres')
			throw new Error(`unknown dialect ${dialect}`);
		log(`---- ${dialect} ----`);
		const result = await benchDialect(dialect);
		results.dialects[dialect] = result;
		printDialect(result);
	}
	results.totalSeconds = Math.round((Date.now() - started) / 1000);
	results.quietWaitSeconds = Math.round(quietWaited / 1000);
	if (reportsOnly) {
		// A check of the report part alone: its figures are not the committed results.
		const file = join(work, 'RESULTS-reports.md');
		await writeMarkdown(results, file);
		log(`wrote ${file} (${results.totalSeconds} s in all)`);
	} else {
		await writeReports(results);
		log(`wrote bench/results.json and bench/RESULTS.md (${results.totalSeconds} s in all)`);
	}
	if (existsSync(join(work, 'sqlite')))
		rmSync(join(work, 'sqlite'), { recursive: true, force: true });
}

/** `--report`: rewrite RESULTS.md from bench/results.json (after editing bench/ANALYSIS.md). */
async function reportOnly() {
	const results = JSON.parse(
		readFileSync(join(root, 'bench', 'results.json'), 'utf8')
	) as BenchResults;
	await writeMarkdown(results);
	console.log('rewrote bench/RESULTS.md from bench/results.json');
}

(process.argv.includes('--report') ? reportOnly() : main()).catch((error) => {
	console.error(error);
	process.exit(1);
});
