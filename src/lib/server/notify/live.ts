import { EventEmitter } from 'node:events';

// The in-process half of live updates: after a commit, the accounts that got notices are
// woken here and their open streams read the database at once. Streams on other servers
// find the same rows on their next check (stream.ts), so nothing depends on this bus.

const bus = new EventEmitter();
// One listener per open stream; the count is bounded by connections, not a leak.
bus.setMaxListeners(0);

export function publish(accountIds: readonly string[]): void {
	for (const id of new Set(accountIds)) bus.emit(id);
}

/** Calls `wake` whenever `accountId` has something new; returns the unsubscribe. */
export function subscribe(accountId: string, wake: () => void): () => void {
	bus.on(accountId, wake);
	return () => bus.off(accountId, wake);
}
