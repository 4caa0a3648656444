import { readdirSync, readFileSync } from 'node:fs';

// Where the machine's CPU went during a measurement: the server, the load generator (this
// process), PostgreSQL, and anything else running (other people's test runs on a shared
// machine would show up there and make the figures noisy). Linux /proc only.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

let ownDatabase: string | null = null;
/** PostgreSQL backends serving this database count as the benchmark's; others as "other". */
export function setOwnDatabase(name: string | null): void {
	ownDatabase = name;
}

function isOwnPostgres(pid: number): boolean {
	try {
		const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
		// Client backends name their database and peer; background workers (checkpointer,
		// walwriter, autovacuum…) serve everyone and are counted as PostgreSQL's.
		const isBackend = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(title);
		return !isBackend || (ownDatabase !== null && title.includes(ownDatabase));
	} catch {
		return false;
	}
}

interface Snapshot {
	at: number;
	idle: number;
	total: number;
	byPid: Map<number, { comm: string; ticks: number }>;
}

export interface CpuShare {
	/** In percent of one core (2 cores = 200 %). */
	server: number;
	loadgen: number;
	postgres: number;
	other: number;
	idle: number;
	/** The busiest other processes, for the record. */
	topOther: string[];
}

function readProcesses(): Map<number, { comm: string; ticks: number }> {
	const byPid = new Map<number, { comm: string; ticks: number }>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			const comm = stat.slice(stat.indexOf('(') + 1, close);
			const fields = stat.slice(close + 2).split(' ');
			// fields[0] is state (field 3); utime is field 14, stime field 15.
			const ticks = Number(fields[11]) + Number(fields[12]);
			byPid.set(Number(entry), { comm, ticks });
		} catch {
			// the process went away
		}
	}
	return byPid;
}

export function snapshot(): Snapshot | null {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
		const values = line.trim().split(/\s+/).slice(1).map(Number);
		const idle = (values[3] ?? 0) + (values[4] ?? 0);
		const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
		return { at: Date.now(), idle, total, byPid: readProcesses() };
	} catch {
		return null;
	}
}

export function share(
	before: Snapshot | null,
	after: Snapshot | null,
	serverPid: number
): CpuShare | null {
	if (!before || !after) return null;
	const seconds = (after.at - before.at) / 1000;
	if (seconds <= 0) return null;
	const pct = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
	let server = 0;
	let loadgen = 0;
	let postgres = 0;
	let other = 0;
	const others: [string, number][] = [];
	for (const [pid, now] of after.byPid) {
		const delta = now.ticks - (before.byPid.get(pid)?.ticks ?? 0);
		if (delta <= 0) continue;
		if (pid === serverPid) server += delta;
		else if (pid === process.pid) loadgen += delta;
		else if (now.comm.startsWith('postgres') && isOwnPostgres(pid)) postgres += delta;
		else {
			other += delta;
			others.push([`${now.comm}(${pid})`, delta]);
		}
	}
	const totalDelta = after.total - before.total;
	const idleShare = totalDelta > 0 ? (after.idle - before.idle) / totalDelta : 0;
	const cores = totalDelta / TICKS_PER_SECOND / seconds;
	return {
		server: pct(server),
		loadgen: pct(loadgen),
		postgres: pct(postgres),
		other: pct(other),
		idle: Math.round(idleShare * cores * 1000) / 10,
		topOther: others
			.sort((a, b) => b[1] - a[1])
			.slice(0, 3)
			.map(([name, ticks]) => `${name} ${pct(ticks)}%`)
	};
}

/**
 * Waits (at most `maxMs`) until processes other than this one, `serverPid` and PostgreSQL
 * have used less than `thresholdPct` of a core for a whole half second. Returns the wait.
 */
export async function waitForQuiet(
	serverPid: number,
	maxMs: number,
	thresholdPct = 25
): Promise<number> {
	const started = Date.now();
	while (Date.now() - started < maxMs) {
		const before = snapshot();
		await new Promise((resolve) => setTimeout(resolve, 500));
		const measured = share(before, snapshot(), serverPid);
		if (!measured || measured.other < thresholdPct) break;
	}
	return Date.now() - started;
}

function processTicks(pid: number): number | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return Number(fields[11]) + Number(fields[12]);
	} catch {
		return null;
	}
}

/**
 * Waits (at most `maxMs`) until the server has gone idle: requests cut off at the end of a
 * measurement are still being worked on, and must not spill into the next one.
 */
export async function waitForIdle(serverPid: number, maxMs = 20_000): Promise<number> {
	const started = Date.now();
	while (Date.now() - started < maxMs) {
		const before = processTicks(serverPid);
		await new Promise((resolve) => setTimeout(resolve, 250));
		const after = processTicks(serverPid);
		if (before === null || after === null) break;
		// under 12 % of a core over the quarter second: nothing left but timers
		if (((after - before) / TICKS_PER_SECOND / 0.25) * 100 < 12) break;
	}
	return Date.now() - started;
}
