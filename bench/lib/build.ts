import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCopy, root } from './paths';

// The test suites (tests/support/server.ts) rebuild the shared build/ directory whenever they
// run, which can swap chunk files under a running server. So the benchmark builds once, while
// holding the same lock the test suites use, and runs a private copy under bench/.work/build.
const lock = join(root, '.svelte-kit', 'test-build.lock');
const LOCK_WAIT_MS = 120_000;
const STALE_LOCK_MS = 180_000;
const ATTEMPTS = 3;
const RETRY_WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withBuildLock<T>(work: () => T): Promise<T> {
	mkdirSync(join(root, '.svelte-kit'), { recursive: true });
	const deadline = Date.now() + LOCK_WAIT_MS;
	let owned = false;
	for (;;) {
		try {
			mkdirSync(lock, { recursive: false });
			owned = true;
			break;
		} catch {
			const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
			if (Date.now() > deadline || age > STALE_LOCK_MS) {
				console.warn('  (the build lock stayed taken; building without it)');
				break;
			}
			await sleep(250);
		}
	}
	try {
		return work();
	} finally {
		if (owned) rmdirSync(lock);
	}
}

/** `npx vite build`, retried (others edit src/ concurrently), then copied to bench/.work/build. */
export async function buildOnce(): Promise<{ seconds: number }> {
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		const result = await withBuildLock(() => {
			const run = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], {
				cwd: root,
				stdio: ['ignore', 'ignore', 'pipe'],
				encoding: 'utf8'
			});
			if (run.status === 0) {
				rmSync(buildCopy, { recursive: true, force: true });
				cpSync(join(root, 'build'), buildCopy, { recursive: true });
			}
			return run;
		});
		if (result.status === 0) break;
		if (attempt >= ATTEMPTS)
			throw new Error(`vite build failed ${ATTEMPTS} times:\n${result.stderr}`);
		console.warn(
			`  vite build failed (attempt ${attempt}; someone may be mid-edit), retrying in ${RETRY_WAIT_MS / 1000} s:\n${result.stderr.slice(0, 2000)}`
		);
		await sleep(RETRY_WAIT_MS);
	}
	return { seconds: (Date.now() - started) / 1000 };
}
