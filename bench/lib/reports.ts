import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as cursor from '../../src/lib/server/reports/cursor';

// The report pages under a long history: Overview and Creators rendered for a 1M-entry account
// against a 1k one, a Transactions page 1,000 pages deep against page 1, and the CSV export of
// the whole history (rows per second, and the server's resident memory while it streams).

export interface Timing {
	/** Median and 90th percentile of the sequential requests, ms. */
	p50: number;
	p90: number;
	requests: number;
	bytes: number;
}

export interface ReportFigures {
	overviewSmall: Timing;
	overviewBig: Timing;
	creatorsSmall: Timing;
	creatorsBig: Timing;
	transactionsFirst: Timing;
	transactionsDeep: Timing;
	/** How deep the deep page is (1,000 unless the history is too short for it). */
	deepPage: number;
	export: {
		rows: number;
		seconds: number;
		rowsPerSecond: number;
		bytes: number;
		rssStartMiB: number;
		rssPeakMiB: number;
		/** Peak RSS over the first tenth of the download, against the peak over the rest. */
		rssEarlyPeakMiB: number;
	};
}

export interface ReportAccount {
	id: string;
	cookie: string;
	entries: number;
}

const PAGE_SIZE = 50;

/** A session for a bench account, as logging in makes one: the cookie a browser would send. */
export async function sessionFor(database: Database, accountId: string): Promise<string> {
	const { token } = await sessions.create(database.db, accountId, {
		userAgent: 'bench',
		ip: null
	});
	return `${sessions.COOKIE_NAME}=${token}`;
}

/**
 * The `before` cursor of page `pages + 1` (the row ending page `pages`), read from the ledger
 * at set-up (OFFSET is fine here: it is not what is measured). The bench accounts' history is
 * ledger entries only, so this is the cursor that following "Older" `pages` times reaches.
 */
export async function deepCursor(database: Database, account: ReportAccount, pages: number) {
	const row = await database.db
		.selectFrom('ledger_entries')
		.select(['occurred_at', 'id'])
		.where('account_id', '=', account.id)
		.orderBy('occurred_at', 'desc')
		.orderBy('id', 'desc')
		.offset(pages * PAGE_SIZE - 1)
		.limit(1)
		.executeTakeFirstOrThrow();
	if (database.dialect === 'postgres') await sql`analyze ledger_entries`.execute(database.db);
	return cursor.format({ occurredAt: Number(row.occurred_at), id: row.id });
}

async function time(origin: string, path: string, cookie: string, requests: number, warmup = 3) {
	const samples: number[] = [];
	let bytes = 0;
	for (let i = 0; i < warmup + requests; i++) {
		const started = performance.now();
		const res = await fetch(origin + path, { headers: { cookie, accept: 'text/html' } });
		const body = await res.arrayBuffer();
		const ms = performance.now() - started;
		if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
		if (i >= warmup) {
			samples.push(ms);
			bytes = body.byteLength;
		}
	}
	samples.sort((a, b) => a - b);
	const at = (q: number) => Math.round(samples[Math.floor(q * (samples.length - 1))]! * 10) / 10;
	return { p50: at(0.5), p90: at(0.9), requests, bytes };
}

function rssMiB(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round((kb / 1024) * 10) / 10;
}

/** Downloads the whole export, counting rows and sampling the server's RSS every 50 ms. */
async function exportAll(origin: string, cookie: string, pid: number) {
	const samples: { at: number; mib: number }[] = [];
	const rssStartMiB = rssMiB(pid);
	const started = performance.now();
	const timer = setInterval(() => {
		try {
			samples.push({ at: performance.now() - started, mib: rssMiB(pid) });
		} catch {
			// the server exited: the download fails below
		}
	}, 50);
	let rows = -1; // the header row
	let bytes = 0;
	try {
		const res = await fetch(`${origin}/transactions/export.csv`, { headers: { cookie } });
		if (res.status !== 200 || !res.body) throw new Error(`export: ${res.status}`);
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
			bytes += chunk.byteLength;
			for (const byte of chunk) if (byte === 10) rows++;
		}
	} finally {
		clearInterval(timer);
	}
	const seconds = (performance.now() - started) / 1000;
	const total = samples.at(-1)?.at ?? 0;
	const early = samples.filter((s) => s.at <= total / 10).map((s) => s.mib);
	return {
		rows,
		seconds: Math.round(seconds * 10) / 10,
		rowsPerSecond: Math.round(rows / seconds),
		bytes,
		rssStartMiB,
		rssPeakMiB: Math.max(rssStartMiB, ...samples.map((s) => s.mib)),
		rssEarlyPeakMiB: Math.max(rssStartMiB, ...early)
	};
}

export async function measure(
	target: { origin: string; serverPid: number },
	small: ReportAccount,
	big: ReportAccount,
	deep: { cursor: string; page: number },
	requests = 20
): Promise<ReportFigures> {
	const { origin } = target;
	// Alternating small and big, so that drift on the machine hits both sides alike.
	const overviewSmall = await time(origin, '/', small.cookie, requests);
	const overviewBig = await time(origin, '/', big.cookie, requests);
	const creatorsSmall = await time(origin, '/creators', small.cookie, requests);
	const creatorsBig = await time(origin, '/creators', big.cookie, requests);
	const transactionsFirst = await time(origin, '/transactions', big.cookie, requests);
	const transactionsDeep = await time(
		origin,
		`/transactions?before=${deep.cursor}`,
		big.cookie,
		requests
	);
	return {
		overviewSmall,
		overviewBig,
		creatorsSmall,
		creatorsBig,
		transactionsFirst,
		transactionsDeep,
		deepPage: deep.page,
		export: await exportAll(origin, big.cookie, target.serverPid)
	};
}

const round = (n: number) => Math.round(n * 100) / 100;

export const REPORT_TARGETS = { render: 2, deepPage: 1.5 };

export function reportVerdicts(r: ReportFigures) {
	const overview = round(r.overviewBig.p50 / r.overviewSmall.p50);
	const creators = round(r.creatorsBig.p50 / r.creatorsSmall.p50);
	const deep = round(r.transactionsDeep.p50 / r.transactionsFirst.p50);
	// Flat: what the server holds after the first tenth of the download does not keep growing.
	const growth = round(r.export.rssPeakMiB - r.export.rssEarlyPeakMiB);
	return [
		{
			name: 'Overview p50, big / small history',
			value: overview,
			target: `≤ ${REPORT_TARGETS.render}`,
			met: overview <= REPORT_TARGETS.render
		},
		{
			name: 'Creators p50, big / small history',
			value: creators,
			target: `≤ ${REPORT_TARGETS.render}`,
			met: creators <= REPORT_TARGETS.render
		},
		{
			name: `Transactions p50, page ${r.deepPage + 1} / page 1`,
			value: deep,
			target: `≤ ${REPORT_TARGETS.deepPage}`,
			met: deep <= REPORT_TARGETS.deepPage
		},
		{
			name: 'export: server RSS growth after the first tenth (MiB)',
			value: growth,
			target: '≤ 64 (flat)',
			met: growth <= 64
		}
	];
}

const timingRow = (what: string, t: Timing) => [
	what,
	`${t.p50}`,
	`${t.p90}`,
	`${t.requests}`,
	`${Math.round(t.bytes / 1024)}`
];

export function reportRows(r: ReportFigures, small: number, big: number): string[][] {
	const n = (x: number) => x.toLocaleString('en-US');
	return [
		timingRow(`Overview, ${n(small)}-entry account`, r.overviewSmall),
		timingRow(`Overview, ${n(big)}-entry account`, r.overviewBig),
		timingRow(`Creators, ${n(small)}-entry account`, r.creatorsSmall),
		timingRow(`Creators, ${n(big)}-entry account`, r.creatorsBig),
		timingRow(`Transactions page 1, ${n(big)}-entry account`, r.transactionsFirst),
		timingRow(`Transactions page ${n(r.deepPage + 1)}, ${n(big)}-entry account`, r.transactionsDeep)
	];
}

export const REPORT_HEADER = ['server render', 'p50 ms', 'p90 ms', 'requests', 'KiB'];

export function exportLine(r: ReportFigures): string {
	const e = r.export;
	return `CSV export of the ${e.rows.toLocaleString('en-US')}-row history: ${e.seconds} s, ${e.rowsPerSecond.toLocaleString('en-US')} rows/s, ${(e.bytes / 1024 / 1024).toFixed(1)} MiB; server RSS ${e.rssStartMiB} MiB before, ${e.rssEarlyPeakMiB} MiB peak in the first tenth, ${e.rssPeakMiB} MiB peak overall.`;
}
