import { readdirSync, rmSync, statSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;
export const CLI_SCRIPTS = ['admin', 'seed', 'migrate'] as const;
const BUNDLES = `${root}node_modules/.cache/coinguard-tests/`;
const DAY = 24 * 3_600_000;

/** Bundles a run left behind when it was killed (its teardown never ran), once a day old. */
function clearAbandoned(): void {
	let names: string[];
	try {
		names = readdirSync(BUNDLES);
	} catch {
		return; // no bundle yet
	}
	for (const name of names) {
		const path = BUNDLES + name;
		if (Date.now() - statSync(path).mtimeMs > DAY) rmSync(path, { recursive: true, force: true });
	}
}

/**
 * Bundles the operator CLI (db/cli/*.ts) once for a test run, into a directory inside the
 * project so that its packages resolve from node_modules. `npm run admin` runs the same
 * sources through tsx, which compiled them afresh in every process: 1.7 s a command against
 * 0.7 s for the bundle, and the CLI tests run about a hundred and fifty commands.
 */
export async function buildCli(runId: string): Promise<string> {
	const outdir = `${BUNDLES}cli-${runId}`;
	clearAbandoned();
	await build({
		entryPoints: CLI_SCRIPTS.map((name) => `${root}db/cli/${name}.ts`),
		outdir,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		outExtension: { '.js': '.mjs' },
		tsconfig: `${root}tsconfig.json`,
		logLevel: 'warning'
	});
	return outdir;
}
