import autocannon from 'autocannon';
import { share, snapshot, type CpuShare } from './cpu';

// autocannon, in this process, against the server child process. Latencies are recorded
// from autocannon's per-response event in fractional milliseconds (its own histogram has a
// 1 ms floor, too coarse for sub-millisecond answers).

export interface Tally {
	approved: number;
	declined: number;
	pending_approval: number;
	ok: number;
	/** tRPC errors (in a batch they come back inside a 200/207 answer). */
	errors: number;
	firstError?: string;
}

export interface LoadResult {
	label: string;
	seconds: number;
	connections: number;
	/** HTTP requests answered 2xx per second. */
	rps: number;
	/** Procedure calls answered per second (rps × batch size). */
	callsPerSecond: number;
	latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
	requests: number;
	non2xx: number;
	socketErrors: number;
	timeouts: number;
	tally: Tally;
	cpu: CpuShare | null;
	/** The 2xx latencies (ms), for merging rounds; not written to results.json. */
	samples?: Float64Array;
	/** When the run started and ended, CLOCK_MONOTONIC µs (to cut a CPU profile to the run). */
	window?: { fromUs: number; toUs: number };
}

export interface LoadSpec {
	label: string;
	origin: string;
	method: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** Called for every request: its path and body. */
	next: () => { path: string; body?: string };
	/** Procedure calls per HTTP request. */
	batch?: number;
	/** Counts decisions and errors from one answer's body. */
	inspect: (status: number, body: string, tally: Tally) => void;
	connections: number;
	seconds: number;
	serverPid: number;
}

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function emptyTally(): Tally {
	return { approved: 0, declined: 0, pending_approval: 0, ok: 0, errors: 0 };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
	const tally = emptyTally();
	let latencies = new Float64Array(1 << 16);
	let count = 0;
	let ok = 0;
	const before = snapshot();
	const started = process.hrtime.bigint();
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const instance = autocannon(
			{
				url: spec.origin,
				connections: spec.connections,
				duration: spec.seconds,
				method: spec.method,
				headers: spec.headers,
				timeout: 30,
				requests: [
					{
						setupRequest(request) {
							const { path, body } = spec.next();
							request.path = path;
							if (body !== undefined) request.body = body;
							return request;
						},
						onResponse(status, body) {
							spec.inspect(status, body, tally);
						}
					}
				]
			},
			(error, done) => (error ? reject(error) : resolve(done))
		);
		instance.on('response', (_client, status, _bytes, responseTime) => {
			if (status < 200 || status >= 300) return;
			ok++;
			if (count === latencies.length) {
				const bigger = new Float64Array(latencies.length * 2);
				bigger.set(latencies);
				latencies = bigger;
			}
			latencies[count++] = responseTime;
		});
	});
	const ended = process.hrtime.bigint();
	const seconds = Number(ended - started) / 1e9;
	const cpu = share(before, snapshot(), spec.serverPid);
	const sorted = latencies.slice(0, count).sort();
	const rps = ok / seconds;
	return {
		label: spec.label,
		seconds: round(seconds, 1),
		connections: spec.connections,
		rps: round(rps, 1),
		callsPerSecond: round(rps * (spec.batch ?? 1), 1),
		latencyMs: summariseLatency(sorted),
		requests: result.requests.total,
		non2xx: result.non2xx,
		socketErrors: result.errors,
		timeouts: result.timeouts,
		tally,
		cpu,
		samples: sorted,
		window: { fromUs: Number(started / 1000n), toUs: Number(ended / 1000n) }
	};
}

function summariseLatency(sorted: Float64Array) {
	let sum = 0;
	for (const v of sorted) sum += v;
	return {
		p50: round(percentile(sorted, 50), 3),
		p90: round(percentile(sorted, 90), 3),
		p99: round(percentile(sorted, 99), 3),
		max: round(sorted[sorted.length - 1] ?? NaN, 3),
		mean: round(sorted.length ? sum / sorted.length : NaN, 3)
	};
}

function averageCpu(rounds: LoadResult[]): CpuShare | null {
	const measured = rounds.filter((r) => r.cpu);
	if (!measured.length) return null;
	const seconds = measured.reduce((n, r) => n + r.seconds, 0);
	const mean = (pick: (cpu: CpuShare) => number) =>
		Math.round((measured.reduce((n, r) => n + pick(r.cpu!) * r.seconds, 0) / seconds) * 10) / 10;
	return {
		server: mean((c) => c.server),
		loadgen: mean((c) => c.loadgen),
		postgres: mean((c) => c.postgres),
		other: mean((c) => c.other),
		idle: mean((c) => c.idle),
		topOther: measured.flatMap((r) => r.cpu!.topOther).slice(0, 3)
	};
}

/** Several rounds of the same measurement as one (rounds interleaved with another's). */
export function mergeRounds(label: string, rounds: LoadResult[], batch = 1): LoadResult {
	const length = rounds.reduce((n, r) => n + (r.samples?.length ?? 0), 0);
	const all = new Float64Array(length);
	let at = 0;
	for (const r of rounds) {
		all.set(r.samples ?? new Float64Array(0), at);
		at += r.samples?.length ?? 0;
	}
	all.sort();
	const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
	const tally = emptyTally();
	for (const r of rounds) {
		for (const key of ['approved', 'declined', 'pending_approval', 'ok', 'errors'] as const)
			tally[key] += r.tally[key];
		tally.firstError ??= r.tally.firstError;
	}
	const rps = all.length / seconds;
	return {
		label,
		seconds: round(seconds, 1),
		connections: rounds[0]!.connections,
		rps: round(rps, 1),
		callsPerSecond: round(rps * batch, 1),
		latencyMs: summariseLatency(all),
		requests: rounds.reduce((n, r) => n + r.requests, 0),
		non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
		socketErrors: rounds.reduce((n, r) => n + r.socketErrors, 0),
		timeouts: rounds.reduce((n, r) => n + r.timeouts, 0),
		tally,
		cpu: averageCpu(rounds),
		samples: all
	};
}

// ---- what the answers say ------------------------------------------------------------------

interface TrpcAnswer {
	result?: { data?: { ok?: boolean; decision?: string } };
	error?: { message?: string; json?: { message?: string } };
}

function count(answer: TrpcAnswer, tally: Tally) {
	const data = answer.result?.data;
	if (!data) {
		tally.errors++;
		tally.firstError ??= JSON.stringify(answer.error ?? answer).slice(0, 300);
		return;
	}
	if (data.decision === 'approved') tally.approved++;
	else if (data.decision === 'declined') tally.declined++;
	else if (data.decision === 'pending_approval') tally.pending_approval++;
	else if (data.ok === true) tally.ok++;
	else {
		tally.errors++;
		tally.firstError ??= JSON.stringify(data).slice(0, 300);
	}
}

/** Counts one answer: a single tRPC response object, or a batch's array of them. */
export function inspectAnswer(status: number, body: string, tally: Tally): void {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		tally.errors++;
		tally.firstError ??= `HTTP ${status}: ${body.slice(0, 200)}`;
		return;
	}
	if (Array.isArray(parsed)) for (const answer of parsed) count(answer as TrpcAnswer, tally);
	else count(parsed as TrpcAnswer, tally);
}
