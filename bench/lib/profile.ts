import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './paths';

// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package or
// source file, and inclusive time of the app's own functions, with positions in the server
// bundle mapped back to src/ through the build's source maps.

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export interface Row {
	name: string;
	where: string;
	ms: number;
	pct: number;
}

export interface ProfileSummary {
	file: string;
	sampledMs: number;
	/** Busy time: everything but (idle). */
	busyMs: number;
	topSelf: Row[];
	byArea: Row[];
	appInclusive: Row[];
}

// ---- source maps (just enough: VLQ mappings → original source and line) --------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

interface SourceMap {
	sources: string[];
	/** Per generated line: segments [generatedColumn, sourceIndex, originalLine]. */
	lines: number[][][];
}

function decodeMappings(mappings: string): number[][][] {
	const lines: number[][][] = [];
	let source = 0;
	let originalLine = 0;
	let originalColumn = 0;
	for (const line of mappings.split(';')) {
		const segments: number[][] = [];
		let column = 0;
		for (const segment of line.split(',')) {
			if (!segment) continue;
			const values: number[] = [];
			let value = 0;
			let shift = 0;
			for (const char of segment) {
				const digit = B64_VALUE.get(char) ?? 0;
				value += (digit & 31) << shift;
				if (digit & 32) shift += 5;
				else {
					values.push(value & 1 ? -(value >>> 1) : value >>> 1);
					value = 0;
					shift = 0;
				}
			}
			column += values[0] ?? 0;
			if (values.length >= 4) {
				source += values[1]!;
				originalLine += values[2]!;
				originalColumn += values[3]!;
				segments.push([column, source, originalLine]);
			}
		}
		lines.push(segments);
	}
	void originalColumn;
	return lines;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
	if (maps.has(url)) return maps.get(url)!;
	let map: SourceMap | null = null;
	try {
		const file = fileURLToPath(url) + '.map';
		if (existsSync(file)) {
			const raw = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; mappings: string };
			map = { sources: raw.sources, lines: decodeMappings(raw.mappings) };
		}
	} catch {
		map = null;
	}
	maps.set(url, map);
	return map;
}

// Named functions of the app's own source: the server bundle has no source maps back to src/
// (vite's SSR output is not source-mapped), so bundle frames are matched to src/ by name.
let appIndex: Map<string, string[]> | undefined;

function indexAppSource(): Map<string, string[]> {
	if (appIndex) return appIndex;
	appIndex = new Map();
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (/\.(ts|js|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
				const lines = readFileSync(path, 'utf8').split('\n');
				lines.forEach((line, i) => {
					const match =
						/\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]/.exec(line) ??
						/\b(?:const|let)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>/.exec(
							line
						) ??
						/^\s+(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{]+)?\{\s*$/.exec(line);
					if (!match) return;
					const name = match[1]!;
					if (['if', 'for', 'while', 'switch', 'catch', 'function'].includes(name)) return;
					const where = `${relative(root, path)}:${i + 1}`;
					appIndex!.set(name, [...(appIndex!.get(name) ?? []), where]);
				});
			}
		}
	};
	walk(join(root, 'src'));
	return appIndex;
}

function packageOf(rest: string): string {
	const parts = rest.split('/');
	return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function mappedLine(url: string, frame: CallFrame): { source: string; line: number } | null {
	const map = sourceMapFor(url);
	if (!map) return null;
	let found: number[] | undefined;
	for (const segment of map.lines[frame.lineNumber] ?? []) {
		if (segment[0]! <= frame.columnNumber) found = segment;
		else break;
	}
	if (!found) return null;
	return { source: map.sources[found[1]!] ?? '?', line: found[2]! + 1 };
}

/**
 * Where a frame's function is, as a reader recognises it: `src/lib/…:12` (app), `kysely/dist/…:60`
 * or `luxon/src/…:41` (a package, through its own source map when it ships one), `node:…`.
 */
function original(frame: CallFrame): string {
	if (!frame.url) return '';
	if (frame.url.startsWith('node:')) return frame.url;
	const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
	const nm = path.lastIndexOf('/node_modules/');
	if (nm >= 0) {
		const rest = path.slice(nm + '/node_modules/'.length);
		const pkg = packageOf(rest);
		const mapped = mappedLine(frame.url, frame);
		if (mapped && !mapped.source.includes('node_modules/')) {
			return `${pkg}/${mapped.source.replace(/^(\.\.?\/)+/, '')}:${mapped.line}`;
		}
		return `${rest}:${frame.lineNumber + 1}`;
	}
	if (path.includes('/build/')) {
		const candidates = indexAppSource().get(frame.functionName) ?? [];
		if (candidates.length === 1) return candidates[0]!;
		const chunk = basename(path).replace(/-[\w-]{8}\.js$/, '');
		return `bundle ${chunk}:${frame.lineNumber + 1}${candidates.length > 1 ? ` (${candidates.join(' or ')})` : ''}`;
	}
	return `${path}:${frame.lineNumber + 1}`;
}

// Node's own code, in the groups that tell a story: fetch-style Request objects (and the
// AbortSignal each carries), web streams, AsyncLocalStorage's promise hooks, HTTP and sockets.
const NODE_AREAS: [RegExp, string][] = [
	[/^node:internal\/deps\/undici/, 'node: undici Request/Response/Headers'],
	[
		/^node:internal\/(abort_controller|worker\/js_transferable)/,
		'node: AbortSignal (one per Request)'
	],
	[/^node:internal\/webstreams/, 'node: web streams'],
	[/^node:(internal\/)?async_hooks/, 'node: async_hooks (AsyncLocalStorage)'],
	[/^node:internal\/process\/task_queues/, 'node: promise/tick queues'],
	[/^node:internal\/modules|^node:internal\/bootstrap/, 'node: module loading (start-up)'],
	[
		/^node:(_http|net|internal\/stream_base|internal\/streams|internal\/http|stream)/,
		'node: http, net, streams'
	],
	[
		/^node:internal\/(crypto|util|url|encoding|buffer)|^node:(buffer|url|util|crypto)/,
		'node: buffers, URL, crypto, encoding'
	],
	[/^node:events/, 'node: events']
];

function nodeArea(where: string): string {
	for (const [pattern, name] of NODE_AREAS) if (pattern.test(where)) return name;
	return 'node: other internals';
}

/**
 * Two functions whose self time is really SQLite's: better-sqlite3's `prepare` (compiling the
 * SQL text) and Kysely's SQLite driver `executeQuery` (which calls the statement's native
 * `all`/`run` inline, so running the statement shows up as its own time).
 */
function special(name: string, where: string): string | null {
	if (name === 'prepare' && where.startsWith('better-sqlite3/'))
		return 'SQLite: compile statement (better-sqlite3 prepare)';
	if (name === 'executeQuery' && where.includes('dialect/sqlite/sqlite-driver'))
		return 'SQLite: run statement (in kysely executeQuery)';
	return null;
}

/** `kysely`, `@trpc/server`, `src/lib/server/ledger/holds.ts`, `node:internal`, or a V8 bucket. */
function area(where: string, name: string): string {
	if (!where) return name.startsWith('(') ? name : '(native code)';
	if (where.startsWith('node:')) return nodeArea(where);
	if (where.startsWith('src/')) return where.replace(/:\d+$/, '');
	if (where.startsWith('bundle ')) {
		const chunk = where.slice(7).replace(/:.*$/, '');
		if (chunk === 'index.js') return '@sveltejs/kit runtime (bundled)';
		if (chunk === 'handler') return 'adapter-node handler (bundled)';
		return `app bundle (${chunk})`;
	}
	if (where.startsWith('/')) return 'other files';
	return packageOf(where);
}

/**
 * `window`: only samples taken between these two CLOCK_MONOTONIC instants (µs, as
 * `process.hrtime.bigint() / 1000n` in any process on the machine), e.g. the load run alone,
 * without the server's start-up and shutdown.
 */
export function summarise(
	file: string,
	window: { fromUs: number; toUs: number } | null = null,
	top = 20
): ProfileSummary {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);

	const selfUs = new Map<number, number>();
	let sampled = 0;
	let at = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		at += profile.timeDeltas[i] ?? 0;
		if (window && (at < window.fromUs || at > window.toUs)) continue;
		const delta = profile.timeDeltas[i + 1] ?? 0; // the time until the next sample
		sampled += delta;
		selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
	}

	const whereOf = new Map<number, string>();
	const whereFor = (id: number) => {
		let where = whereOf.get(id);
		if (where === undefined) {
			where = original(byId.get(id)!.callFrame);
			whereOf.set(id, where);
		}
		return where;
	};
	const nameOf = (id: number) => byId.get(id)!.callFrame.functionName || '(anonymous)';

	let idle = 0;
	const selfByFunction = new Map<string, Row>();
	const selfByArea = new Map<string, number>();
	for (const [id, us] of selfUs) {
		const name = nameOf(id);
		if (name === '(idle)') {
			idle += us;
			continue;
		}
		let where = whereFor(id);
		// A native function (empty url: a socket write, a SQLite step) is charged to the first
		// caller above it that is not Node's own code: `writev` under pg's socket goes to pg.
		let callerArea = '';
		if (!where && !name.startsWith('(')) {
			let up = parent.get(id);
			let nearest: number | undefined;
			while (up !== undefined) {
				const above = whereFor(up);
				if (above && nearest === undefined) nearest = up;
				if (above && !above.startsWith('node:')) break;
				up = parent.get(up);
			}
			const caller = up ?? nearest;
			if (caller !== undefined) callerArea = area(whereFor(caller), nameOf(caller));
			where = callerArea ? `native, called from ${callerArea}` : '';
		}
		const key = `${name}|${where}`;
		const row = selfByFunction.get(key) ?? { name, where, ms: 0, pct: 0 };
		row.ms += us / 1000;
		selfByFunction.set(key, row);
		const bucket = callerArea
			? callerArea.startsWith('node:')
				? callerArea
				: `${callerArea} (native)`
			: (special(name, where) ?? area(where, name));
		selfByArea.set(bucket, (selfByArea.get(bucket) ?? 0) + us / 1000);
	}
	const busyMs = (sampled - idle) / 1000;
	const finish = (rows: Row[], limit = top) =>
		rows
			.sort((a, b) => b.ms - a.ms)
			.slice(0, limit)
			.map((r) => ({
				...r,
				ms: Math.round(r.ms * 10) / 10,
				pct: Math.round((r.ms / busyMs) * 1000) / 10
			}));

	// Inclusive time of app functions (src/…), each sample counted once per function.
	const inclusive = new Map<string, Row>();
	const stackCache = new Map<number, string[]>();
	const appFramesOf = (id: number): string[] => {
		const cached = stackCache.get(id);
		if (cached) return cached;
		const up = parent.get(id);
		const above = up === undefined ? [] : appFramesOf(up);
		const where = whereFor(id);
		const frames = where.startsWith('src/') ? [...above, `${nameOf(id)}|${where}`] : above;
		stackCache.set(id, frames);
		return frames;
	};
	for (const [id, us] of selfUs) {
		if (nameOf(id) === '(idle)') continue;
		for (const key of new Set(appFramesOf(id))) {
			const [name, where] = key.split('|') as [string, string];
			const row = inclusive.get(key) ?? { name, where, ms: 0, pct: 0 };
			row.ms += us / 1000;
			inclusive.set(key, row);
		}
	}

	return {
		file,
		sampledMs: Math.round(sampled / 1000),
		busyMs: Math.round(busyMs),
		topSelf: finish([...selfByFunction.values()]),
		byArea: finish(
			[...selfByArea].map(([name, ms]) => ({ name, where: '', ms, pct: 0 })),
			40
		),
		appInclusive: finish([...inclusive.values()])
	};
}

export function formatSummary(summary: ProfileSummary): string {
	const table = (title: string, rows: Row[], withWhere: boolean) =>
		[
			`${title}`,
			...rows.map(
				(r) =>
					`  ${r.pct.toFixed(1).padStart(5)} %  ${String(r.ms).padStart(6)} ms  ${r.name}${withWhere && r.where ? `  (${r.where})` : ''}`
			)
		].join('\n');
	return [
		`profile ${summary.file}: ${summary.busyMs} ms busy of ${summary.sampledMs} ms sampled`,
		table('self time by area (package or source file):', summary.byArea, false),
		table('top self-time functions:', summary.topSelf, true),
		table('inclusive time of app functions (src/):', summary.appInclusive, true)
	].join('\n');
}

// `tsx bench/lib/profile.ts some.cpuprofile` prints a summary.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	for (const file of process.argv.slice(2)) console.log(formatSummary(summarise(file)));
}
