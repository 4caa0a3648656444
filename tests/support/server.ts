import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { freePort, waitUntilServing } from './launch';

const root = new URL('../../', import.meta.url).pathname;
const marker = `${root}build/.test-run`;
const lock = `${root}.svelte-kit/test-build.lock`;

/** Builds the production server once per test run, however many suites ask at once. */
export async function ensureBuilt(): Promise<void> {
	const runId = inject('runId');
	for (;;) {
		if (existsSync(marker) && readFileSync(marker, 'utf8') === runId) return;
		try {
			mkdirSync(lock, { recursive: false });
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 250)); // another suite is building
			continue;
		}
		try {
			if (existsSync(marker) && readFileSync(marker, 'utf8') === runId) return;
			const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], {
				cwd: root,
				stdio: ['ignore', 'ignore', 'pipe'],
				encoding: 'utf8'
			});
			if (result.status !== 0) throw new Error(`vite build failed:\n${result.stderr}`);
			writeFileSync(marker, runId);
			return;
		} finally {
			rmdirSync(lock);
		}
	}
}

export interface RunningServer {
	origin: string;
	process: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

/** Starts `node server.js` (the real production server, as `npm start` runs it) on a free loopback port. */
/** `env` adds to the test environment; a value of undefined leaves that variable unset. */
export async function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
	await ensureBuilt();
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['server.js'], {
		cwd: root,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: origin,
			ADDRESS_HEADER: 'x-forwarded-for',
			SEED_DEMO: '0',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	await waitUntilServing(child, origin, () => output);
	return {
		origin,
		process: child,
		output: () => output,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await exited;
			}
		}
	};
}
