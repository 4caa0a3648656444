// The page's one connection to GET /events, shared by the layout and the pages: each
// listens for the events it cares about. EventSource reconnects by itself (the server asks
// for 2 s); pages still show the current state on reload, without JavaScript.

type Listener = (data: unknown) => void;

const listeners = new Map<string, Set<Listener>>();
let source: EventSource | null = null;

function dispatch(name: string, raw: string) {
	const data: unknown = JSON.parse(raw);
	for (const listener of listeners.get(name) ?? []) listener(data);
}

/** Opens the stream (once per page load); returns what closes it. */
export function connect(): () => void {
	if (source) return () => {};
	const opened = new EventSource('/events');
	source = opened;
	for (const name of ['hello', 'notification', 'approval', 'authorization']) {
		opened.addEventListener(name, (event) => dispatch(name, (event as MessageEvent<string>).data));
	}
	return () => {
		opened.close();
		source = null;
	};
}

/** Calls `listener` with each event of that name; returns the unsubscribe (for `$effect`). */
export function on<T = unknown>(name: string, listener: (data: T) => void): () => void {
	let set = listeners.get(name);
	if (!set) listeners.set(name, (set = new Set()));
	const wrapped = listener as Listener;
	set.add(wrapped);
	return () => set.delete(wrapped);
}
