import type { Database } from '../db';
import * as unavailable from '../db/unavailable';
import * as inbox from './inbox';
import * as live from './live';

// One signed-in user's server-sent events. What the stream sends comes from the database, so
// it is right whichever server committed the event: a commit in this process wakes the
// stream at once (live.ts), and a check every CHECK_EVERY ms finds what other servers wrote.

const CHECK_EVERY = 1_500;
const HEARTBEAT_EVERY = 15_000;
/**
 * How far back each check looks. A notice carries the time its event started, and may commit
 * a little later (a lock wait, a retried transaction): a window with the ids already sent
 * catches those without sending anything twice.
 */
const WINDOW_MS = 60_000;

/** The events a page listens to, by name. */
export type LiveEvent =
	| { event: 'hello'; data: { unread: number } }
	| { event: 'notification'; data: { notice: inbox.Notice; unread: number } }
	| { event: 'approval'; data: { approvalId: string } }
	| { event: 'authorization'; data: { authorizationId: string; status: 'held' | 'declined' } };

export function encode({ event, data }: LiveEvent): string {
	return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The events a new notice stands for, besides itself. */
function followUps(accountId: string, notice: inbox.Notice): LiveEvent[] {
	const { data } = notice;
	if (
		data.kind !== 'approval_requested' &&
		data.kind !== 'approval_decided' &&
		data.kind !== 'approval_expired'
	) {
		return [];
	}
	const events: LiveEvent[] = [{ event: 'approval', data: { approvalId: data.approvalId } }];
	// The minor's own purchase moved: the shop page waiting on it turns to its outcome.
	if (data.minor.id === accountId && data.kind !== 'approval_requested') {
		const status =
			data.kind === 'approval_decided' && data.status === 'approved' ? 'held' : 'declined';
		events.push({
			event: 'authorization',
			data: { authorizationId: data.purchase.authorizationId, status }
		});
	}
	return events;
}

/**
 * The response body of GET /events for `accountId`; it ends when `signal` aborts. The first
 * reads happen before it is returned, so a database that is away answers 503 as any page.
 */
export async function open(
	database: Database,
	accountId: string,
	signal: AbortSignal
): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	const sent = new Map<string, number>(); // notice id → created_at, within the window
	let stop = () => {};
	// What is already there counts as seen: the page was loaded with it.
	const seen = await inbox.madeSince(database.db, accountId, Date.now() - WINDOW_MS);
	for (const row of seen) sent.set(row.id, row.created_at);
	const unread = await inbox.unreadCount(database.db, accountId);

	return new ReadableStream<Uint8Array>({
		start(controller) {
			let closed = false;
			const write = (chunk: string) => {
				if (!closed) controller.enqueue(encoder.encode(chunk));
			};
			let checking = false;
			let pending = false;
			let outage = false;

			const check = async () => {
				if (checking) {
					pending = true;
					return;
				}
				checking = true;
				try {
					const since = Date.now() - WINDOW_MS;
					for (const [id, at] of sent) if (at < since) sent.delete(id);
					const fresh = (await inbox.madeSince(database.db, accountId, since)).filter(
						(r) => !sent.has(r.id)
					);
					outage = false;
					if (fresh.length === 0) return;
					const unread = await inbox.unreadCount(database.db, accountId);
					for (const row of fresh) {
						sent.set(row.id, row.created_at);
						const notice = inbox.shape(row);
						write(encode({ event: 'notification', data: { notice, unread } }));
						for (const follow of followUps(accountId, notice)) write(encode(follow));
					}
				} catch (error) {
					// The database is away: keep the stream, say so once, and catch up when it is back.
					if (!outage) {
						outage = true;
						console.error(
							unavailable.isUnavailable(error)
								? unavailable.logLine(error, 'GET /events')
								: `GET /events check failed: ${error instanceof Error ? error.message : String(error)}`
						);
					}
				} finally {
					checking = false;
					if (pending) {
						pending = false;
						void check();
					}
				}
			};

			write('retry: 2000\n\n');
			write(encode({ event: 'hello', data: { unread } }));

			const unsubscribe = live.subscribe(accountId, () => void check());
			const poll = setInterval(() => void check(), CHECK_EVERY);
			const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_EVERY);
			stop = () => {
				if (closed) return;
				closed = true;
				unsubscribe();
				clearInterval(poll);
				clearInterval(heartbeat);
				try {
					controller.close();
				} catch {
					// Already closed by the client going away.
				}
			};
			if (signal.aborted) stop();
			else signal.addEventListener('abort', () => stop(), { once: true });
		},
		cancel() {
			stop();
		}
	});
}
