import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay between the server under test and the real PostgreSQL: `cut()` drops every
 * connection through it and refuses new ones (the database "goes away" for this server only,
 * other suites sharing the database server see nothing), `restore()` lets them through again.
 */
export interface Relay {
	port: number;
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

export async function startRelay(host: string, port: number): Promise<Relay> {
	const open = new Set<Socket>();
	let down = false;
	const server = createServer((client) => {
		if (down) {
			client.destroy();
			return;
		}
		const upstream = connect(port, host);
		const pair = [client, upstream];
		for (const socket of pair) {
			open.add(socket);
			socket.on('error', () => pair.forEach((s) => s.destroy()));
			socket.on('close', () => {
				open.delete(socket);
				pair.forEach((s) => s.destroy());
			});
		}
		client.pipe(upstream).pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const cut = () => {
		down = true;
		for (const socket of open) socket.destroy();
	};
	return {
		port: typeof address === 'object' && address ? address.port : 0,
		cut,
		restore() {
			down = false;
		},
		close() {
			cut();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}
