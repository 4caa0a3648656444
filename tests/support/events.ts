// Reads GET /events as EventSource would, for tests: named events, parsed, in order.

export interface ServerEvent {
	event: string;
	data: unknown;
}

export interface EventStream {
	status: number;
	/** Resolves with the first event (from now on, or already read and not yet taken) that matches. */
	next(match: (e: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
	close(): void;
}

export async function openEvents(origin: string, cookie?: string): Promise<EventStream> {
	const abort = new AbortController();
	const response = await fetch(`${origin}/events`, {
		headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}) },
		signal: abort.signal
	});
	const queue: ServerEvent[] = [];
	const waiters: (() => void)[] = [];
	let ended = false;
	if (response.ok && response.body) {
		void (async () => {
			const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
			let buffer = '';
			try {
				for (;;) {
					const { value, done } = await reader.read();
					if (done) break;
					buffer += value;
					let cut: number;
					while ((cut = buffer.indexOf('\n\n')) >= 0) {
						const block = buffer.slice(0, cut);
						buffer = buffer.slice(cut + 2);
						const name = /^event: (.*)$/m.exec(block)?.[1];
						const data = /^data: (.*)$/m.exec(block)?.[1];
						if (name && data) queue.push({ event: name, data: JSON.parse(data) });
						waiters.splice(0).forEach((wake) => wake());
					}
				}
			} catch {
				// Aborted by close().
			} finally {
				ended = true;
				waiters.splice(0).forEach((wake) => wake());
			}
		})();
	}
	return {
		status: response.status,
		async next(match, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const index = queue.findIndex(match);
				if (index >= 0) return queue.splice(index, 1)[0]!;
				if (ended) throw new Error(`the event stream ended; unmatched: ${JSON.stringify(queue)}`);
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`no matching event; got: ${JSON.stringify(queue)}`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
		},
		close() {
			abort.abort();
		}
	};
}
