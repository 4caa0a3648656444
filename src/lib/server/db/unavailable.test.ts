import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../tests/support/launch';
import { masked } from './access';
import * as unavailable from './unavailable';

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected a rejection');
}

/** A PostgreSQL error as pg builds it from the server's ErrorResponse. */
function serverError(code: string, message: string): Error {
	return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code, severity: 'FATAL' });
}

describe('database-unavailable errors', () => {
	// Real errors where they are cheap to provoke: a refused connection, a server that never
	// answers, a read-only SQLite file.
	let dir: string;
	let silent: Server;
	const held: Socket[] = [];
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'coinguard-unavailable-'));
		silent = createServer((socket) => held.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		held.forEach((socket) => socket.destroy());
		await new Promise((resolve) => silent.close(resolve));
		rmSync(dir, { recursive: true, force: true });
	});

	it('knows a refused connection', async () => {
		const client = new pg.Client({ host: '127.0.0.1', port: await freePort() });
		const error = await rejection(client.connect());
		expect(unavailable.isUnavailable(error)).toBe(true);
		expect(unavailable.isConnectionLost(error)).toBe(false); // never connected: nothing to rerun
		expect(unavailable.reasonOf(error)).toBe('connection refused');
		expect(unavailable.messageFor(error)).toBe(unavailable.MESSAGE);
	});

	it('knows a connection that timed out and a pool that gave no connection in time', async () => {
		const port = (silent.address() as { port: number }).port;
		const client = new pg.Client({ host: '127.0.0.1', port, connectionTimeoutMillis: 50 });
		const timedOut = await rejection(client.connect());
		expect(unavailable.isUnavailable(timedOut)).toBe(true);
		expect(unavailable.reasonOf(timedOut)).toBe('timeout expired');

		const pool = new pg.Pool({ host: '127.0.0.1', port, connectionTimeoutMillis: 50 });
		const poolTimeout = await rejection(pool.connect());
		await pool.end();
		expect(unavailable.isUnavailable(poolTimeout)).toBe(true);
		expect(unavailable.reasonOf(poolTimeout)).toBe(
			'Connection terminated due to connection timeout'
		);
	});

	it('knows a read-only SQLite file', () => {
		const path = join(dir, 'read-only.db');
		new SqliteDatabase(path).exec('create table t (x)');
		const readOnly = new SqliteDatabase(path, { readonly: true });
		let error: unknown;
		try {
			readOnly.exec('insert into t values (1)');
		} catch (e) {
			error = e;
		}
		readOnly.close();
		expect((error as { code: string }).code).toBe('SQLITE_READONLY');
		expect(unavailable.isUnavailable(error)).toBe(true);
		expect(unavailable.reasonOf(error)).toBe('read-only file');
	});

	it('knows terminated and lost connections, by code or by pg’s message', () => {
		const terminated = serverError('57P01', 'terminating connection due to administrator command');
		expect(unavailable.isUnavailable(terminated)).toBe(true);
		expect(unavailable.isConnectionLost(terminated)).toBe(true);
		expect(unavailable.reasonOf(terminated)).toBe(
			'terminating connection due to administrator command (57P01)'
		);
		for (const code of ['57P02', '08006', '08003']) {
			expect(unavailable.isConnectionLost(serverError(code, 'lost')), code).toBe(true);
		}
		for (const code of ['57P03', '08001', '53300', '25006']) {
			const error = serverError(code, 'not now');
			expect(unavailable.isUnavailable(error), code).toBe(true);
			expect(unavailable.isConnectionLost(error), code).toBe(false);
		}
		const ended = new Error('Connection terminated unexpectedly');
		expect(unavailable.isUnavailable(ended)).toBe(true);
		expect(unavailable.isConnectionLost(ended)).toBe(true);
		const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
		expect(unavailable.isConnectionLost(reset)).toBe(true);
		for (const code of ['SQLITE_CANTOPEN', 'SQLITE_IOERR_WRITE', 'SQLITE_FULL']) {
			expect(unavailable.isUnavailable(Object.assign(new Error(code), { code })), code).toBe(true);
		}
	});

	it('knows a prepared statement its table outgrew, in any language PostgreSQL answers in', () => {
		const english = serverError('0A000', 'cached plan must not change result type');
		expect(unavailable.isStalePlan(english)).toBe(true);
		// lc_messages = 'de_DE': the message is translated, the routine that raised it is not.
		const german = Object.assign(
			serverError('0A000', 'gecachter Plan darf den Ergebnistyp nicht ändern'),
			{ routine: 'RevalidateCachedQuery' }
		);
		expect(unavailable.isStalePlan(german)).toBe(true);
		expect(unavailable.isStalePlan(serverError('0A000', 'some other unsupported feature'))).toBe(
			false
		);
		expect(unavailable.isStalePlan(serverError('42P01', 'relation does not exist'))).toBe(false);
		expect(unavailable.isUnavailable(english)).toBe(false);
	});

	it('finds the cause inside wrapping errors', () => {
		const cause = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
			code: 'ECONNREFUSED'
		});
		expect(unavailable.isUnavailable(new Error('wrapped', { cause }))).toBe(true);
		expect(unavailable.isUnavailable(new AggregateError([cause], 'all addresses failed'))).toBe(
			true
		);
	});

	it('leaves bugs and refusals alone', () => {
		const notUnavailable = [
			serverError('23505', 'duplicate key value violates unique constraint'),
			serverError('42P01', 'relation "x" does not exist'),
			serverError('40001', 'could not serialize access'),
			Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
			Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
			new TypeError("Cannot read properties of undefined (reading 'id')"),
			new Error('Terminated by the user'),
			'a string',
			null,
			undefined
		];
		for (const error of notUnavailable) {
			expect(unavailable.isUnavailable(error), String(error)).toBe(false);
		}
	});

	it('tells a person when a commit may or may not have happened', () => {
		const lost = serverError('57P01', 'terminating connection due to administrator command');
		const unknown = new unavailable.CommitOutcomeUnknownError(lost);
		expect(unavailable.isUnavailable(unknown)).toBe(true);
		expect(unavailable.messageFor(unknown)).toBe(unavailable.OUTCOME_UNKNOWN_MESSAGE);
		expect(unavailable.messageFor(lost)).toBe(unavailable.MESSAGE);
	});

	it('masks passwords in a URL it shows', () => {
		expect(masked('postgres://app:s3cret@db.example.com:5432/coins')).toBe(
			'postgres://app:***@db.example.com:5432/coins'
		);
		expect(masked('postgres://app@db/coins?password=s3cret&sslmode=require')).toBe(
			'postgres://app@db/coins?password=***&sslmode=require'
		);
		expect(masked('postgres://app@db/coins')).toBe('postgres://app@db/coins');
	});
});
