import { resolve } from 'node:path';
import { sql } from 'kysely';
import { isPostgresUrl, openDatabase, type Database } from '.';
import * as unavailable from './unavailable';

// Before the server listens it proves it can write to its database; when it cannot, the
// operator gets one plain line naming the database and what to do, not a stack trace.

/** The database cannot be opened or written; the message is the line to print. */
export class AccessError extends Error {}

/** Opens the database at `url` and proves it can write, or throws an AccessError naming it. */
export async function openWritable(url: string): Promise<Database> {
	let database: Database | undefined;
	try {
		database = openDatabase(url);
		await probeWrite(database);
		return database;
	} catch (error) {
		await database?.close().catch(() => undefined);
		throw new AccessError(describe(error, url), { cause: error });
	}
}

/**
 * Creates a table inside a transaction and rolls it back: a real write (SQLite opens a file it
 * may not write read-only, and only a write tells), on any database, that leaves nothing behind.
 */
async function probeWrite({ db, dialect }: Database): Promise<void> {
	await db.connection().execute(async (connection) => {
		await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(connection);
		try {
			await sql`create table coinguard_write_probe (id integer)`.execute(connection);
		} finally {
			await sql`rollback`.execute(connection).catch(() => undefined);
		}
	});
}

/**
 * The line for an error met while opening or using the database at `url`, when the error says
 * the database cannot be used (rather than a bug); otherwise null.
 */
export function describeFailure(error: unknown, url: string): string | null {
	if (error instanceof AccessError) return error.message;
	if (unavailable.isUnavailable(error) || fileError(error)?.syscall === 'mkdir') {
		return describe(error, url);
	}
	return null;
}

function describe(error: unknown, url: string): string {
	if (isPostgresUrl(url)) {
		const where = masked(url);
		const code = (error as { code?: unknown }).code;
		if (code === '25006' || code === '42501') {
			return `Cannot write to PostgreSQL at ${where} (${unavailable.reasonOf(error)}): grant this user write access or point DATABASE_URL at a writable database.`;
		}
		const verb = unavailable.isUnavailable(error) ? 'reach' : 'use';
		return `Cannot ${verb} PostgreSQL at ${where} (${unavailable.reasonOf(error)}): start it or fix DATABASE_URL.`;
	}
	const path = resolve(url);
	const file = fileError(error);
	if (file?.syscall === 'mkdir') {
		return `Cannot write to the SQLite database at ${path} (cannot create the folder ${file.path}: ${fileReason(file)}): create it or set DATABASE_URL to another path.`;
	}
	const reason = file ? fileReason(file) : unavailable.reasonOf(error);
	return `Cannot write to the SQLite database at ${path} (${reason}): make it writable or set DATABASE_URL to another path.`;
}

/** `url` with its password masked, as it can be shown in a log. */
export function masked(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		for (const key of ['password', 'sslpassword']) {
			if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
		}
		return parsed.toString();
	} catch {
		return 'the DATABASE_URL given (not a valid URL)';
	}
}

interface FileError {
	code: string;
	syscall: string;
	path: string;
	message: string;
}

/** An error of the file system (creating the database's folder), as node:fs throws them. */
function fileError(error: unknown): FileError | null {
	const e = error as Partial<FileError> | null;
	return e && typeof e.syscall === 'string' && typeof e.path === 'string' && e.code
		? (e as FileError)
		: null;
}

const FILE_REASONS: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EROFS: 'read-only file system',
	ENOTDIR: 'part of the path is a file, not a folder',
	ENOSPC: 'disk full',
	EEXIST: 'a file of that name is in the way'
};

function fileReason(error: FileError): string {
	return FILE_REASONS[error.code] ?? error.message;
}
