import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
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

	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
		try {
			const response = await fetch(`${origin}/api/trpc/health.ping`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not start within 60 s:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
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
