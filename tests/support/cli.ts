import { spawn } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The one JSON line a successful command prints. */
	json: Record<string, unknown> | null;
}

/** Runs `npm run admin -- …` the way an operator does (via tsx), against `databaseUrl`. */
export function runCli(
	script: 'admin' | 'seed' | 'migrate',
	args: string[],
	databaseUrl: string
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(`${root}node_modules/.bin/tsx`, [`db/cli/${script}.ts`, ...args], {
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
