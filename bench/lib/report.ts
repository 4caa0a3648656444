import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { join } from 'node:path';
import type { LoadResult } from './load';
import type { Machine, Source } from './machine';
import type { ProfileSummary, Row } from './profile';
import { root } from './paths';
import {
	REPORT_HEADER,
	exportLine,
	reportRows,
	reportVerdicts,
	type ReportFigures
} from './reports';

export interface Figures {
	ping: LoadResult;
	authorize: LoadResult;
	/** Authorize over one connection, one request at a time: latency without queueing. */
	single?: LoadResult;
	batchPing: LoadResult;
	batchAuthorize: LoadResult;
	history1k: LoadResult;
	history1m: LoadResult;
}

export interface DialectResult {
	dialect: 'sqlite' | 'postgres';
	skipped?: string;
	serverVersion?: string;
	setupSeconds?: number;
	accounts?: number;
	history?: { big: number; bigLoadSeconds: number; bigTotalsRows: number; small: number };
	figures?: Figures;
	/** Report pages and the CSV export under a long history. */
	reports?: ReportFigures;
	internalErrors?: number;
	profile?: { ping: Profiled; authorize: Profiled };
}

export interface Profiled {
	what: 'ping' | 'authorize';
	summary: ProfileSummary;
	load: LoadResult;
	/** Procedure calls answered during the profiled run. */
	calls: number;
}

export interface BenchResults {
	date: string;
	machine: Machine;
	source?: Source;
	config: Record<string, unknown>;
	dialects: Partial<Record<'sqlite' | 'postgres', DialectResult>>;
	totalSeconds?: number;
	quietWaitSeconds?: number;
}

export interface Verdict {
	name: string;
	value: number;
	target: string;
	/** null: the measurement had errors, so it says nothing. */
	met: boolean | null;
}

const TARGETS = {
	sqlite: { authorizeVsPing: 0.8, p99Ms: 10, history: 0.9, batch: 0.5 },
	postgres: { authorizeVsPing: 0.5, p99Ms: null, history: 0.9, batch: 0.5 }
} as const;

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function clean(...results: LoadResult[]): boolean {
	return results.every((r) => r.tally.errors === 0 && r.non2xx === 0 && r.socketErrors === 0);
}

export function ratios(f: Figures) {
	return {
		authorize_vs_ping: round(f.authorize.rps / f.ping.rps),
		history_1m_vs_1k: round(f.history1m.rps / f.history1k.rps),
		batched_authorize_vs_ping: round(f.batchAuthorize.callsPerSecond / f.batchPing.callsPerSecond)
	};
}

const cpuMs = (r: LoadResult) =>
	r.cpu && r.callsPerSecond ? (r.cpu.server / 100 / r.callsPerSecond) * 1000 : NaN;

/**
 * The same comparisons made from server CPU time per call instead of throughput: what the
 * ratios would be if the server alone were the bottleneck. Less sensitive than throughput to
 * other processes taking cores away, so a cross-check on a busy machine.
 */
export function cpuRatios(f: Figures) {
	return {
		authorize_vs_ping: round(cpuMs(f.ping) / cpuMs(f.authorize)),
		history_1m_vs_1k: round(cpuMs(f.history1k) / cpuMs(f.history1m)),
		batched_authorize_vs_ping: round(cpuMs(f.batchPing) / cpuMs(f.batchAuthorize))
	};
}

export function evaluate(result: DialectResult): Verdict[] {
	const f = result.figures;
	if (!f) return [];
	const t = TARGETS[result.dialect];
	const r = ratios(f);
	const verdicts: Verdict[] = [
		{
			name: 'authorize_rps / ping_rps',
			value: r.authorize_vs_ping,
			target: `≥ ${t.authorizeVsPing}`,
			met: clean(f.authorize, f.ping) ? r.authorize_vs_ping >= t.authorizeVsPing : null
		}
	];
	if (t.p99Ms !== null) {
		verdicts.push({
			name: 'authorize p99 (ms)',
			value: f.authorize.latencyMs.p99,
			target: `≤ ${t.p99Ms}`,
			met: clean(f.authorize) ? f.authorize.latencyMs.p99 <= t.p99Ms : null
		});
	}
	verdicts.push(
		{
			name: 'authorize_rps_1m_history / authorize_rps_1k_history',
			value: r.history_1m_vs_1k,
			target: `≥ ${t.history}`,
			met: clean(f.history1k, f.history1m) ? r.history_1m_vs_1k >= t.history : null
		},
		{
			name: 'batched authorize decisions/s / batched ping calls/s',
			value: r.batched_authorize_vs_ping,
			target: `≥ ${t.batch}`,
			met: clean(f.batchAuthorize, f.batchPing) ? r.batched_authorize_vs_ping >= t.batch : null
		}
	);
	return verdicts;
}

const mark = (met: boolean | null) => (met === null ? 'INVALID (errors)' : met ? 'met' : 'MISSED');

function mix(r: LoadResult): string {
	const t = r.tally;
	const decisions = t.approved + t.declined + t.pending_approval;
	if (!decisions) return t.errors ? `${t.errors} errors` : '—';
	const pct = (n: number) => `${Math.round((n / decisions) * 100)}`;
	return `${pct(t.approved)}/${pct(t.declined)}/${pct(t.pending_approval)}${t.errors ? ` +${t.errors} err` : ''}`;
}

/** Server CPU time per procedure call, from /proc: how much work one answer costs. */
function cpuPerCall(r: LoadResult): string {
	if (!r.cpu || !r.callsPerSecond) return '—';
	return ((r.cpu.server / 100 / r.callsPerSecond) * 1000).toFixed(3);
}

function rows(f: Figures): string[][] {
	const list: [string, LoadResult][] = [
		['health.ping', f.ping],
		['purchase.authorize (200 accounts)', f.authorize],
		...(f.single ? [['purchase.authorize, 1 connection', f.single] as [string, LoadResult]] : []),
		[`health.ping ×50 batched`, f.batchPing],
		[`purchase.authorize ×50 batched`, f.batchAuthorize],
		['authorize, 1k-entry account', f.history1k],
		['authorize, 1M-entry account', f.history1m]
	];
	return list.map(([name, r]) => [
		name,
		r.rps.toFixed(0),
		r.callsPerSecond.toFixed(0),
		r.latencyMs.p50.toFixed(2),
		r.latencyMs.p99.toFixed(2),
		mix(r),
		cpuPerCall(r),
		r.cpu ? `${r.cpu.server}/${r.cpu.loadgen}/${r.cpu.postgres}/${r.cpu.other}` : '—'
	]);
}

const HEADER = [
	'measurement',
	'req/s',
	'calls/s',
	'p50 ms',
	'p99 ms',
	'appr/decl/pend %',
	'server CPU ms/call',
	'CPU % srv/gen/pg/other'
];

function textTable(header: string[], body: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function markdownTable(header: string[], body: string[][]): string {
	// Figures right-aligned, words left.
	const numeric = header.map((_, i) =>
		body.every((r) => /^[-+]?[\d.,]+( ?%)?$|^[\d./]+$|^—$|^NaN$/.test(r[i] ?? ''))
	);
	return [
		`| ${header.join(' | ')} |`,
		`|${header.map((_, i) => (numeric[i] ? ' ---: ' : ' --- ')).join('|')}|`,
		...body.map((r) => `| ${r.join(' | ')} |`)
	].join('\n');
}

function reportTables(d: DialectResult, table: (header: string[], body: string[][]) => string) {
	if (!d.reports || !d.history) return [];
	return [
		table(REPORT_HEADER, reportRows(d.reports, d.history.small, d.history.big)),
		'',
		exportLine(d.reports),
		'',
		table(
			['ratio or figure', 'value', 'target', 'verdict'],
			reportVerdicts(d.reports).map((v) => [v.name, String(v.value), v.target, mark(v.met)])
		),
		''
	];
}

export function printDialect(result: DialectResult): void {
	console.log(`\n== ${result.dialect} ==`);
	if (result.reports) console.log(reportTables(result, textTable).join('\n'));
	if (result.skipped || !result.figures) {
		if (!result.reports) console.log(result.skipped ?? 'no figures');
		return;
	}
	console.log(textTable(HEADER, rows(result.figures)));
	console.log();
	console.log(
		textTable(
			['ratio', 'value', 'target', 'verdict'],
			evaluate(result).map((v) => [v.name, String(v.value), v.target, mark(v.met)])
		)
	);
	const c = cpuRatios(result.figures);
	console.log(
		`(cross-check from server CPU per call: authorize/ping ${c.authorize_vs_ping}, 1M/1k history ${c.history_1m_vs_1k}, batched ${c.batched_authorize_vs_ping})`
	);
	console.log();
}

/** Server CPU per call by area, ping against authorize (ms), biggest authorize cost first. */
function comparisonRows(profile: { ping: Profiled; authorize: Profiled }, limit = 16): string[][] {
	const per = (p: Profiled, area: string) =>
		(p.summary.byArea.find((r) => r.name === area)?.ms ?? 0) / Math.max(1, p.calls);
	const areas = [...new Set(profile.authorize.summary.byArea.map((r) => r.name))]
		.map((area) => ({
			area,
			ping: per(profile.ping, area),
			authorize: per(profile.authorize, area)
		}))
		.sort((a, b) => b.authorize - a.authorize)
		.slice(0, limit);
	const total = (p: Profiled) => p.summary.busyMs / Math.max(1, p.calls);
	const ms = (n: number) => n.toFixed(3);
	return [
		...areas.map((a) => [a.area, ms(a.ping), ms(a.authorize), ms(a.authorize - a.ping)]),
		[
			'all (busy time ÷ calls)',
			ms(total(profile.ping)),
			ms(total(profile.authorize)),
			ms(total(profile.authorize) - total(profile.ping))
		]
	];
}

const COMPARISON_HEADER = ['area', 'ping ms/call', 'authorize ms/call', 'extra ms/call'];

export function formatComparison(profile: { ping: Profiled; authorize: Profiled }): string {
	const a = profile.authorize;
	const rows = (list: Row[]) =>
		list
			.slice(0, 15)
			.map(
				(r) =>
					`  ${r.pct.toFixed(1).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}${r.where ? `  (${r.where})` : ''}`
			)
			.join('\n');
	return [
		`server CPU per call by area, from the profiles (ping ${profile.ping.load.rps} req/s, authorize ${a.load.rps} req/s under the profiler):`,
		textTable(COMPARISON_HEADER, comparisonRows(profile)),
		`authorize, top self-time functions (${a.summary.busyMs} ms busy):`,
		rows(a.summary.topSelf),
		'authorize, inclusive time of the app’s own functions (synchronous part):',
		rows(a.summary.appInclusive)
	].join('\n');
}

function profileTables(summary: ProfileSummary): string {
	const table = (rowsIn: Row[], withWhere: boolean) =>
		markdownTable(
			withWhere ? ['function', 'where', 'ms', '% of busy'] : ['area', 'ms', '% of busy'],
			rowsIn.map((r) =>
				withWhere
					? [`\`${r.name}\``, r.where ? `\`${r.where}\`` : '', String(r.ms), r.pct.toFixed(1)]
					: [`\`${r.name}\``, String(r.ms), r.pct.toFixed(1)]
			)
		);
	return [
		`Busy (non-idle) time sampled: ${summary.busyMs} ms. Profile: \`${summary.file.slice(root.length)}\`.`,
		'',
		'Top self-time functions:',
		'',
		table(summary.topSelf.slice(0, 20), true),
		'',
		'Inclusive time of the app’s own functions (src/, matched by name; the synchronous part only: time after an `await` is charged to the microtask queue):',
		'',
		table(summary.appInclusive.slice(0, 15), true)
	].join('\n');
}

export async function writeReports(results: BenchResults): Promise<void> {
	const json = {
		...results,
		dialects: Object.fromEntries(
			Object.entries(results.dialects).map(([name, d]) => [
				name,
				{
					...d,
					figures: d.figures
						? Object.fromEntries(
								Object.entries(d.figures).map(([k, r]) => [k, { ...r, samples: undefined }])
							)
						: undefined,
					summary: d.figures
						? {
								ping_rps: d.figures.ping.rps,
								authorize_rps: d.figures.authorize.rps,
								authorize_p50_ms: d.figures.authorize.latencyMs.p50,
								authorize_p99_ms: d.figures.authorize.latencyMs.p99,
								authorize_1_connection_p50_ms: d.figures.single?.latencyMs.p50,
								authorize_1_connection_p99_ms: d.figures.single?.latencyMs.p99,
								ping_p50_ms: d.figures.ping.latencyMs.p50,
								ping_p99_ms: d.figures.ping.latencyMs.p99,
								authorize_rps_1k_history: d.figures.history1k.rps,
								authorize_rps_1m_history: d.figures.history1m.rps,
								batched_ping_calls_per_s: d.figures.batchPing.callsPerSecond,
								batched_authorize_decisions_per_s: d.figures.batchAuthorize.callsPerSecond,
								...ratios(d.figures),
								cpu_ratios: cpuRatios(d.figures)
							}
						: undefined,
					verdicts: evaluate(d),
					report_verdicts: d.reports ? reportVerdicts(d.reports) : undefined,
					profile: d.profile
				}
			])
		)
	};
	writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(json, null, '\t') + '\n');
	await writeMarkdown(results);
}

/**
 * RESULTS.md from the figures (also from a results.json read back: `npm run bench -- --report`),
 * formatted with the project's prettier settings so that `npm run lint` stays clean.
 */
export async function writeMarkdown(
	results: BenchResults,
	file = join(root, 'bench', 'RESULTS.md')
): Promise<void> {
	const options = (await prettier.resolveConfig(file)) ?? {};
	writeFileSync(file, await prettier.format(markdown(results), { ...options, filepath: file }));
}

function markdown(results: BenchResults): string {
	const m = results.machine;
	const c = results.config as Record<string, number | string>;
	const out: string[] = [
		'# Coinguard benchmark results',
		'',
		'_Written by `npm run bench` (bench/run.ts); the analysis section is kept in bench/ANALYSIS.md and copied in._',
		'',
		`- **Date:** ${results.date}`,
		...(results.source
			? [
					`- **Code:** commit ${results.source.commit ?? '?'}${results.source.uncommittedSrcFiles ? ` plus ${results.source.uncommittedSrcFiles} uncommitted files under src/ (work in progress by others at the time)` : ''}`
				]
			: []),
		`- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(' ')}`,
		`- **Set-up:** the production server (\`vite build\`, then \`node build\` with adapter-node) as a child process on 127.0.0.1; autocannon in the bench process; PostgreSQL (when run) on the same machine. **All of them share the ${m.cores} cores**, so every figure includes the load generator’s own CPU; the “CPU %” column shows where the cores went (server / load generator / postgres / anything else, in % of one core).`,
		`- **Load:** closed loop, ${c.connections} connections (batches: ${c.batchConnections} connections × ${c.batchSize} calls per HTTP request, so ${Number(c.batchConnections) * Number(c.batchSize)} calls in flight). Each pair compared (ping vs authorize, batched ping vs batched authorize, 1k vs 1M history) is warmed up ${c.warmupSeconds} s per side, then measured in ${c.rounds} alternating rounds, ${c.seconds} s per side in all. The server is allowed to go idle between rounds (cut-off requests finish first). Latencies are per HTTP request, in fractional ms. “1 connection” is authorize one request at a time for ${c.singleSeconds} s: latency without queueing.`,
		`- **Data:** ${c.poolAccounts} accounts (every tenth a minor) created with the app’s accounts module, an operator API key from \`admin create-api-key\`, limits set as \`admin set-limit\` does: per account a monthly recharge budget of ${Number(c.poolMonthlyCoins).toLocaleString('en-US')} coins (block), 5 000 coins per purchase (block), a $200 daily spend alert (warn), 20 000 coins a month to one favourite creator (block); minors, each in a family with a guardian, keep the safe defaults except gifting (no gift cards or third-party sellers), need approval above $10 per recharge unless a standing approval of 2 000 recharge coins a day covers it, and have a 2 000-coin daily gift cap.`,
		'- **Requests:** 60 % recharges of a coin pack (60 … 6 480 coins, $0.99 … $99.99; small packs most common), 40 % gifts (1 … 1 314 coins; a third to the account’s favourite creator, the rest Zipf-spread over 200 creators); each with a unique idempotency key; spread uniformly over the accounts (the realistic case: many payers at once, so mostly different rows). The history ratio uses one account per side, so that both sides are one hot account.',
		`- **History:** one account with ${Number(c.historyBig).toLocaleString('en-US')} ledger entries, one with ${Number(c.historySmall).toLocaleString('en-US')}, spread over the two years ending 32 days ago (so none is in the current day, week or month, and both accounts start the run with the same current totals); inserted with batched multi-row statements (SQLite: prepared 500-row INSERTs; PostgreSQL: 50 000-row \`INSERT … SELECT FROM unnest(…)\`); period totals built by \`totals.rebuild\` for the small account and, for the big one, by the same \`totals.rowsFor\` arithmetic with one period-key lookup per local day (checked against \`totals.rebuild\` on the small account).`,
		`- **Decisions** (appr/decl/pend): the share of approved (with or without warnings), declined and pending-approval answers. Holds are not captured during the run, so totals grow through it.`,
		''
	];
	for (const d of Object.values(results.dialects)) {
		out.push(
			`## ${d.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${d.serverVersion ? ` ${d.serverVersion}` : ''}`,
			''
		);
		if (d.reports) {
			out.push(
				`### Report pages and the CSV export`,
				'',
				`Sequential GETs with a session cookie (${d.reports.overviewSmall.requests} per page after 3 warm-ups), one at a time: server render plus transfer. The deep Transactions page is reached by its keyset cursor (\`?before=\`), as following “Older” ${d.reports.deepPage.toLocaleString('en-US')} times would. The export streams the big account’s whole history; the server’s RSS is sampled from /proc every 50 ms.`,
				'',
				...reportTables(d, markdownTable)
			);
		}
		if (d.skipped || !d.figures) {
			if (!d.reports) out.push(d.skipped ?? 'No figures.', '');
			continue;
		}
		out.push(markdownTable(HEADER, rows(d.figures)), '');
		out.push(
			markdownTable(
				['ratio or figure', 'value', 'target', 'verdict'],
				evaluate(d).map((v) => [v.name, String(v.value), v.target, `**${mark(v.met)}**`])
			),
			''
		);
		const cr = cpuRatios(d.figures);
		out.push(
			`Cross-check, the same ratios from server CPU time per call (what they would be if the server process alone were the bottleneck; less sensitive to other processes taking cores): authorize vs ping ${cr.authorize_vs_ping}, 1M vs 1k history ${cr.history_1m_vs_1k}, batched ${cr.batched_authorize_vs_ping}.`,
			''
		);
		if (d.history) {
			out.push(
				`History load: ${d.history.big.toLocaleString('en-US')} entries in ${d.history.bigLoadSeconds.toFixed(1)} s (${d.history.bigTotalsRows.toLocaleString('en-US')} period_totals rows); whole set-up ${d.setupSeconds?.toFixed(1)} s.${d.internalErrors ? ` **The server logged ${d.internalErrors} internal errors.**` : ''}`,
				''
			);
		}
		const others = Object.values(d.figures)
			.map((r) => r.cpu)
			.filter((cpu) => cpu && cpu.other > 15);
		if (others.length) {
			out.push(
				`Note: other processes on the machine used more than 15 % of a core during ${others.length} measurement(s) (e.g. ${others[0]!.topOther.join(', ')}); those figures are noisier.`,
				''
			);
		}
		if (d.profile) {
			const { ping, authorize } = d.profile;
			out.push(
				`### Where the time goes (${d.dialect}: CPU profiles of the server)`,
				'',
				`\`node --cpu-prof --cpu-prof-dir=bench/.work/prof/… build\`, one server under health.ping load (${ping.load.rps} req/s with the profiler on), one under purchase.authorize load (${authorize.load.rps} req/s), each profile cut to its ${authorize.load.seconds} s load run; the same ${Number(c.connections)} connections. Areas are npm packages or the app’s source files; native work (SQLite, sockets) is charged to the JS that called it.`,
				'',
				'Server CPU time per call, by area:',
				'',
				markdownTable(COMPARISON_HEADER, comparisonRows(d.profile)),
				'',
				'#### purchase.authorize profile',
				'',
				profileTables(authorize.summary),
				''
			);
		}
	}
	const analysis = join(root, 'bench', 'ANALYSIS.md');
	if (existsSync(analysis)) out.push(readFileSync(analysis, 'utf8').trim(), '');
	out.push(
		'## Reproduce',
		'',
		'`npm run bench` (about 5 minutes). Knobs: `BENCH_DIALECTS=sqlite|postgres|sqlite,postgres`, `BENCH_DATABASE_URL` (a PostgreSQL server; a scratch database is created and dropped on it), `BENCH_SECONDS`, `BENCH_WARMUP`, `BENCH_ACCOUNTS`, `BENCH_HISTORY`, `BENCH_PROFILE=auto|always|never`. The report pages and CSV export alone, small, as a check (written to bench/.work/RESULTS-reports.md, not here): `BENCH_ONLY=reports BENCH_HISTORY=20000 npm run bench`. A profile alone: `tsx bench/lib/profile.ts bench/.work/prof/<dialect>/*.cpuprofile`.',
		''
	);
	return out.join('\n');
}
