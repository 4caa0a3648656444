import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildCli } from './cli-build';
import { chromiumPath, postgresUrl, requireE2E, requirePostgres } from './environment';

declare module 'vitest' {
	export interface ProvidedContext {
		runId: string;
		/** The operator CLI, bundled once for this run (see cli.ts). */
		cliDir: string;
	}
}

export default async function setup(project: TestProject): Promise<() => void> {
	if (!postgresUrl) {
		if (requirePostgres) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set.');
		console.log(
			'PostgreSQL suites skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run them.'
		);
	}
	if (!chromiumPath) {
		if (requireE2E)
			throw new Error('REQUIRE_E2E=1 but no Chromium at CHROMIUM_PATH or /usr/bin/chromium.');
		console.log(
			'Browser tests skipped: install Chromium (apt-get install chromium) or set CHROMIUM_PATH to run them.'
		);
	}
	// Suites that need the production server build it once per run (see server.ts).
	const runId = `${process.pid}-${Date.now()}`;
	project.provide('runId', runId);
	const cliDir = await buildCli(runId);
	project.provide('cliDir', cliDir);
	// In watch mode, the CLI tests rerun against what db/cli holds now.
	project.onTestsRerun(async () => {
		await buildCli(runId);
	});
	return () => rmSync(cliDir, { recursive: true, force: true });
}
