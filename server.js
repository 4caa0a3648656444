// The production entry (`npm start`): adapter-node's request handler in a plain Node HTTP
// server, in place of `node build`. With ORIGIN unset, a page's origin is taken as plain http
// plus the address the browser used (localhost, 127.0.0.1, the machine's name), so log-in
// works from each of them; and the start-up line names an address that works.
import http from 'node:http';
import process from 'node:process';

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
const shutdownAfter = Number(process.env.SHUTDOWN_TIMEOUT || 30) * 1000;

// This process speaks plain http. Behind a proxy that ends TLS, set ORIGIN (or PROTOCOL_HEADER).
const plainHttp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
const PROTOCOL = 'x-coinguard-protocol';
if (plainHttp) process.env.PROTOCOL_HEADER = PROTOCOL;

// adapter-node's own body limit must let the history import's file through; every route but
// that one is still held to 64 KiB by the app (src/lib/server/body-limit.ts).
process.env.BODY_SIZE_LIMIT ??= '2M';

// Importing the handler runs the app's start-up (database check, migrations, demo) first: a
// server that cannot use its database exits there, before it listens.
const { handler } = await import('./build/handler.js');

const server = http.createServer((req, res) => {
	if (plainHttp) req.headers[PROTOCOL] = 'http'; // never the client's say
	handler(req, res);
});

server.listen(port, host, () => {
	const local = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	const address =
		process.env.ORIGIN || `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
	console.log(`Coinguard is running at ${address}`);
});

function shutDown() {
	server.closeIdleConnections();
	server.close(() => process.emit('sveltekit:shutdown', 'SIGTERM'));
	setTimeout(() => server.closeAllConnections(), shutdownAfter).unref();
}
process.once('SIGTERM', shutDown);
process.once('SIGINT', shutDown);
