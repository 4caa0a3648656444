// Errors that mean "the database cannot be used just now" (as opposed to a bug or a refused
// request), recognised in one place so that every edge answers them alike: tRPC with
// SERVICE_UNAVAILABLE, pages with a 503, start-up with one plain line.

/** What a person is told when a request failed for want of the database. */
export const MESSAGE =
	'The database is unavailable just now; nothing was changed. Try again in a moment.';

/** What a person is told when the connection died after COMMIT was sent (see transaction.ts). */
export const OUTCOME_UNKNOWN_MESSAGE =
	'The database connection was lost while saving, so the change may or may not have been made. ' +
	'Repeat the same request to find out: it is safe to repeat.';

/** The connection died after COMMIT was sent: the transaction may or may not have committed. */
export class CommitOutcomeUnknownError extends Error {
	constructor(cause: unknown) {
		super(`connection lost during commit: ${reasonOf(cause)}`, { cause });
	}
}

/** PostgreSQL SQLSTATEs of an established connection going away. */
const LOST_STATES = new Set([
	'57P01', // admin_shutdown: pg_terminate_backend, or a server shutting down
	'57P02', // crash_shutdown
	'08003', // connection_does_not_exist
	'08006' // connection_failure
]);

/** Socket errors: the server is down, unreachable or dropped us. */
const NETWORK = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
	ETIMEDOUT: 'timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed'
} as const;

/** SQLite result codes (and their extended forms, e.g. SQLITE_IOERR_WRITE) of an unusable file. */
const SQLITE = {
	SQLITE_READONLY_DIRECTORY: 'its folder is read-only',
	SQLITE_READONLY: 'read-only file',
	SQLITE_CANTOPEN: 'cannot open or create the file',
	SQLITE_IOERR: 'input/output error',
	SQLITE_FULL: 'disk full'
} as const;

// pg reports connections that end or never start with messages only, no code: matching their
// text is the one way to know them.
const PG_MESSAGES = [
	/^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
	/not queryable/, // a client used after its connection failed
	/timeout exceeded when trying to connect/, // pg-pool: no free connection in connectionTimeoutMillis
	/^timeout expired$/ // pg.Client: not connected within connectionTimeoutMillis
];
const LOST_MESSAGES = [/^Connection terminated unexpectedly/, /not queryable/];

interface Coded {
	code?: unknown;
	message?: unknown;
	errors?: unknown;
}

function codeOf(error: unknown): string {
	const code = (error as Coded | null)?.code;
	return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
	const message = (error as Coded | null)?.message;
	return typeof message === 'string' ? message : '';
}

/** The error and the errors it wraps (`cause`, and AggregateError's list from a dual-stack connect). */
function* chain(error: unknown): Generator<unknown> {
	for (let depth = 0; error && depth < 5; depth++) {
		yield error;
		const inner = (error as Coded).errors;
		if (Array.isArray(inner)) yield* inner;
		error = (error as { cause?: unknown }).cause;
	}
}

function sqliteKey(code: string): keyof typeof SQLITE | undefined {
	return (Object.keys(SQLITE) as (keyof typeof SQLITE)[]).find(
		(key) => code === key || code.startsWith(`${key}_`)
	);
}

function isUnavailableOne(error: unknown): boolean {
	if (error instanceof CommitOutcomeUnknownError) return true;
	const code = codeOf(error);
	return (
		LOST_STATES.has(code) ||
		code === '57P03' || // cannot_connect_now: starting up or shutting down
		code.startsWith('08') || // connection exceptions
		code.startsWith('53') || // insufficient resources: too many connections, disk full
		code === '25006' || // read_only_sql_transaction: a standby, or a read-only database
		code in NETWORK ||
		sqliteKey(code) !== undefined ||
		PG_MESSAGES.some((pattern) => pattern.test(messageOf(error)))
	);
}

/** Whether `error` means the database cannot be reached or written just now. */
export function isUnavailable(error: unknown): boolean {
	for (const link of chain(error)) if (isUnavailableOne(link)) return true;
	return false;
}

/**
 * Whether an established PostgreSQL connection died (terminated, reset): a transaction on it
 * that had not sent COMMIT was rolled back by the server, and can safely run again.
 */
export function isConnectionLost(error: unknown): boolean {
	for (const link of chain(error)) {
		const code = codeOf(link);
		if (LOST_STATES.has(code) || code === 'ECONNRESET' || code === 'EPIPE') return true;
		if (LOST_MESSAGES.some((pattern) => pattern.test(messageOf(link)))) return true;
	}
	return false;
}

/**
 * Whether PostgreSQL refused a prepared statement because a table it reads changed shape since
 * it was prepared ("cached plan must not change result type"). Nothing ran; prepared again,
 * the statement works (db/index.ts), and a transaction the refusal aborted can run again.
 */
export function isStalePlan(error: unknown): boolean {
	if (codeOf(error) !== '0A000') return false;
	// The message is translated where lc_messages is not English; the routine's name is not.
	const routine = (error as { routine?: unknown } | null)?.routine;
	return (
		routine === 'RevalidateCachedQuery' ||
		/cached plan must not change result type/i.test(messageOf(error))
	);
}

/** Whether a statement was refused because its transaction had already failed (25P02). */
export function isInFailedTransaction(error: unknown): boolean {
	return codeOf(error) === '25P02';
}

/** A short plain reason for logs and start-up lines, e.g. "connection refused". */
export function reasonOf(error: unknown): string {
	for (const link of chain(error)) {
		if (link instanceof CommitOutcomeUnknownError) return link.message;
		const code = codeOf(link);
		if (code in NETWORK) return NETWORK[code as keyof typeof NETWORK];
		const sqlite = sqliteKey(code);
		if (sqlite) return SQLITE[sqlite];
		// A PostgreSQL error: its own words and its SQLSTATE.
		if (/^[0-9A-Z]{5}$/.test(code)) return `${messageOf(link)} (${code})`;
		if (isUnavailableOne(link)) return messageOf(link);
	}
	return messageOf(error) || String(error);
}

/** The sentence to show a person for an error `isUnavailable` accepted. */
export function messageFor(error: unknown): string {
	for (const link of chain(error)) {
		if (link instanceof CommitOutcomeUnknownError) return OUTCOME_UNKNOWN_MESSAGE;
	}
	return MESSAGE;
}

/** The one line logged for a request that failed for want of the database. */
export function logLine(error: unknown, where: string): string {
	return `database unavailable: ${reasonOf(error)} (${where})`;
}
