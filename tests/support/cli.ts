import { spawn } from 'node:child_process';
import { inject } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The one JSON line a successful command prints. */
	json: Record<string, unknown> | null;
}

const NPM_SCRIPT = { admin: 'admin', seed: 'seed', migrate: 'db:migrate' } as const;

/**
 * Runs a CLI command (`npm run admin -- …`) in a process of its own against `databaseUrl`:
 * the run's bundle of db/cli (global-setup.ts) under Node, or with `{ via: 'npm' }` exactly as
 * an operator types it, through npm and tsx (slower: for the test that npm's wiring works).
 */
export function runCli(
	script: 'admin' | 'seed' | 'migrate',
	args: string[],
	databaseUrl: string,
	options: { via?: 'bundle' | 'npm' } = {}
): Promise<CliResult> {
	const [command, commandArgs] =
		options.via === 'npm'
			? ['npm', ['run', '--silent', NPM_SCRIPT[script], '--', ...args]]
			: [process.execPath, [`${inject('cliDir')}/${script}.mjs`, ...args]];
	return new Promise((resolve, reject) => {
		const child = spawn(command, commandArgs, {
			cwd: root,
			env: { ...process.env, DATABASE_URL: databaseUrl },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			let json: CliResult['json'];
			try {
				json = stdout.trim() ? JSON.parse(stdout.trim()) : null;
			} catch {
				json = null;
			}
			resolve({ code, stdout, stderr, json });
		});
	});
}
