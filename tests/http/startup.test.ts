import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { runCli } from '../support/cli';
import { freePort } from '../support/launch';
import { ensureBuilt } from '../support/server';

// A server that cannot write to its database refuses to start: before it listens, it exits
// non-zero with one plain line naming the database and what to do (no stack trace).
//
// Root ignores file permissions, so as root (as here, in containers) the server runs as the
// user `nobody` (setpriv), for whom the files below really are read-only; read-only mounts
// and `chattr +i` need privileges a container rarely has. As any other user it runs as is.

const root = new URL('../../', import.meta.url).pathname;
const asRoot = process.getuid?.() === 0;
const canDropPrivileges =
	!asRoot || spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

interface Outcome {
	code: number | null;
	stdout: string;
	stderr: string;
	/** Whether it printed "Coinguard is running at …": started serving. */
	listened: boolean;
}

/** Runs `node server.js` until it exits, or until it starts listening (then stops it). */
async function start(env: Record<string, string>): Promise<Outcome> {
	await ensureBuilt();
	const port = await freePort();
	const node = [process.execPath, 'server.js'];
	const [command, ...args] = asRoot
		? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node]
		: node;
	const child = spawn(command!, args, {
		cwd: root,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: `http://127.0.0.1:${port}`,
			SEED_DEMO: '0',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	let listened = false;
	child.stdout.on('data', (chunk) => {
		stdout += chunk;
		if (/Coinguard is running at/.test(stdout) && !listened) {
			listened = true;
			child.kill('SIGKILL');
		}
	});
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	return { code, stdout, stderr, listened };
}

function expectRefusal(outcome: Outcome, line: string) {
	const all = `${outcome.stdout}${outcome.stderr}`;
	expect(outcome.listened, all).toBe(false);
	expect(outcome.code, all).not.toBe(0);
	expect(outcome.code, all).not.toBeNull();
	expect(all, 'stack trace lines').not.toMatch(/^\s+at /m);
	expect(outcome.stderr.trimEnd().split('\n'), all).toEqual([line]);
}

const sqliteAdvice = 'make it writable or set DATABASE_URL to another path.';

describe('start-up with a database it cannot use', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'coinguard-startup-'));
		chmodSync(dir, 0o755); // mkdtemp makes it 0700: `nobody` could not even look inside
	});
	afterAll(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	/** A migrated SQLite database at `folder`/coinguard.db, as an earlier run left it. */
	async function existingDatabase(folder: string): Promise<string> {
		mkdirSync(folder);
		const path = join(folder, 'coinguard.db');
		const database = openDatabase(path);
		await migrateToLatest(database);
		await database.close();
		return path;
	}

	it.skipIf(!canDropPrivileges)('refuses a read-only SQLite file', async () => {
		const folder = join(dir, 'read-only-file');
		const path = await existingDatabase(folder);
		chmodSync(path, 0o444);
		chmodSync(folder, 0o777); // the folder is writable: only the file is not
		expectRefusal(
			await start({ DATABASE_URL: path }),
			`Cannot write to the SQLite database at ${path} (read-only file): ${sqliteAdvice}`
		);
	});

	it.skipIf(!canDropPrivileges)('refuses a SQLite file in a read-only folder', async () => {
		const folder = join(dir, 'read-only-folder');
		const path = await existingDatabase(folder);
		chmodSync(path, 0o666);
		chmodSync(folder, 0o555); // SQLite cannot make its -wal and -shm files beside it
		expectRefusal(
			await start({ DATABASE_URL: path }),
			`Cannot write to the SQLite database at ${path} (its folder is read-only): ${sqliteAdvice}`
		);
	});

	it.skipIf(!canDropPrivileges)('refuses a new SQLite file it cannot create', async () => {
		const folder = join(dir, 'unwritable');
		mkdirSync(folder, { mode: 0o555 });
		chmodSync(folder, 0o555);
		const path = join(folder, 'coinguard.db');
		expectRefusal(
			await start({ DATABASE_URL: path }),
			`Cannot write to the SQLite database at ${path} (cannot open or create the file): ${sqliteAdvice}`
		);
	});

	it.skipIf(!canDropPrivileges)('refuses a folder it cannot create', async () => {
		const folder = join(dir, 'locked');
		mkdirSync(folder);
		chmodSync(folder, 0o755);
		const path = join(folder, 'missing', 'coinguard.db');
		expectRefusal(
			await start({ DATABASE_URL: path }),
			`Cannot write to the SQLite database at ${path} (cannot create the folder ${join(folder, 'missing')}: permission denied): create it or set DATABASE_URL to another path.`
		);
	});

	it('refuses a PostgreSQL that is not listening, with the password masked', async () => {
		const port = await freePort();
		const outcome = await start({
			DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/coinguard`
		});
		expectRefusal(
			outcome,
			`Cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/coinguard (connection refused): start it or fix DATABASE_URL.`
		);
		expect(outcome.stderr).not.toContain('hunter2');
	});

	it('gives the admin CLI the same line', async () => {
		const port = await freePort();
		const postgres = await runCli('migrate', [], `postgres://postgres:hunter2@127.0.0.1:${port}/x`);
		expect(postgres.code).toBe(1);
		expect(postgres.stderr.trimEnd().split('\n')).toEqual([
			`error: Cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/x (connection refused): start it or fix DATABASE_URL.`
		]);

		// A path through a file: no user, root included, can create that folder.
		const file = join(dir, 'a-file');
		writeFileSync(file, '');
		const path = join(file, 'sub', 'coinguard.db');
		const sqlite = await runCli('admin', ['list-api-keys'], path);
		expect(sqlite.code).toBe(1);
		expect(sqlite.stderr.trimEnd().split('\n')).toEqual([
			`error: Cannot write to the SQLite database at ${path} (cannot create the folder ${join(file, 'sub')}: part of the path is a file, not a folder): create it or set DATABASE_URL to another path.`
		]);
	});
});
