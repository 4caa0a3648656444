import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitUntilServing } from '../../tests/support/launch';
import { buildCopy, root } from './paths';

export interface RunningServer {
	origin: string;
	pid: number;
	process: ChildProcess;
	output(): string;
	/** Lines where the server logged an internal error (tRPC INTERNAL_SERVER_ERROR, hook errors). */
	internalErrors(): number;
	/** SIGTERM, then wait for the exit (adapter-node shuts down gracefully; a pg pool idles out). */
	stop(timeoutMs?: number): Promise<void>;
}

/** Starts the production server (`node [flags] bench/.work/build`) on a free loopback port. */
export async function startServer(
	databaseUrl: string,
	nodeFlags: string[] = [],
	build = buildCopy
): Promise<RunningServer> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [...nodeFlags, build], {
		cwd: root,
		env: {
			...process.env,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: origin,
			DATABASE_URL: databaseUrl,
			SEED_DEMO: '0'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const keep = (chunk: Buffer) => {
		output += chunk.toString();
		if (output.length > 200_000) output = output.slice(-100_000);
	};
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	await waitUntilServing(child, origin, () => output);
	return {
		origin,
		pid: child.pid!,
		process: child,
		output: () => output,
		internalErrors: () => (output.match(/^(tRPC |\[[0-9a-f-]{36}\])/gm) ?? []).length,
		async stop(timeoutMs = 20_000) {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			await exited;
			clearTimeout(timer);
		}
	};
}
