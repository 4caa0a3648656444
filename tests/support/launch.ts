import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

// Shared by the test suites and the benchmarks (so no Vitest here): finding a port and
// waiting for a freshly spawned production server to answer.

export function freePort(): Promise<number> {
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

/** Polls `health.ping` until it answers; a server that exits or takes a minute is an error. */
export async function waitUntilServing(
	child: ChildProcess,
	origin: string,
	output: () => string
): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
		try {
			const response = await fetch(`${origin}/api/trpc/health.ping`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not start within 60 s:\n${output()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
