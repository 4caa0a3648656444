import type { IncomingMessage } from 'node:http';

// No form or API call here needs more than a few KiB; refusing larger bodies keeps a flood of
// big requests from costing memory or parse time.
export const MAX_BODY_BYTES = 64 * 1024;

/** The one page that takes a file: a history import (its own limit on the file is smaller). */
export const IMPORT_BODY_BYTES = 2 * 1024 * 1024;

/** The most a request to `pathname` may send. */
export function limitFor(pathname: string): number {
	return pathname === '/transactions/import' ? IMPORT_BODY_BYTES : MAX_BODY_BYTES;
}

// A refused body is still read to its end (and thrown away) before the 413 goes out: a server
// that answers and closes while the client is still sending makes the client see a reset, not
// the answer, and can break the next request on a kept-alive connection. Past this much, the
// connection is closed after the answer instead.
const DRAIN_AT_MOST = 8 * 1024 * 1024;

/** A 413 in the shape the caller reads: tRPC's error JSON for the API, a short page otherwise. */
export function tooLarge(api: boolean, close = false, limit = MAX_BODY_BYTES): Response {
	const message = `Request body is over ${limit / 1024} KiB.`;
	const headers: Record<string, string> = close ? { connection: 'close' } : {};
	if (!api) {
		const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Too large · Coinguard</title><main style="max-width:32rem;margin:4rem auto;font-family:system-ui,sans-serif"><h1>That was too much to send</h1><p>${message} Nothing was saved. Go back, shorten what you entered and try again.</p></main></html>`;
		return new Response(page, {
			status: 413,
			headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }
		});
	}
	const body = {
		error: { message, code: -32600, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } }
	};
	return new Response(JSON.stringify(body), {
		status: 413,
		headers: { ...headers, 'content-type': 'application/json' }
	});
}

export function declaredLength(request: Request): number | null {
	const header = request.headers.get('content-length');
	return header === null ? null : Number(header);
}

export type BoundedBody =
	{ ok: true; body: Uint8Array<ArrayBuffer> | null } | { ok: false; drained: boolean };

/**
 * Reads a request body of at most MAX_BODY_BYTES. A declared length over the limit is refused
 * without keeping anything; so is a chunked body once it passes the limit. Either way the rest
 * is read and dropped (up to DRAIN_AT_MOST), so the refusal reaches the client.
 */
export async function readBounded(
	request: Request,
	raw: IncomingMessage | undefined,
	limit = MAX_BODY_BYTES
): Promise<BoundedBody> {
	const declared = declaredLength(request);
	if (declared !== null && declared > limit) {
		return { ok: false, drained: await drain(request, raw) };
	}
	if (!request.body) return { ok: true, body: null };
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = request.body.getReader();
	for (;;) {
		let next: ReadableStreamReadResult<Uint8Array>;
		try {
			next = await reader.read();
		} catch {
			// The adapter's own limit or a client that went away: nothing usable came.
			return { ok: false, drained: false };
		}
		if (next.done) break;
		size += next.value.byteLength;
		if (size > limit) {
			reader.releaseLock();
			return { ok: false, drained: await drain(request, raw, size) };
		}
		chunks.push(next.value);
	}
	const body = new Uint8Array(new ArrayBuffer(size));
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return { ok: true, body };
}

/** Reads and drops what is left of a body; false when there was more than DRAIN_AT_MOST. */
async function drain(
	request: Request,
	raw: IncomingMessage | undefined,
	alreadyRead = 0
): Promise<boolean> {
	let size = alreadyRead;
	try {
		if (request.body) {
			for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
				size += chunk.byteLength;
				if (size > DRAIN_AT_MOST) return false;
			}
			return true;
		}
	} catch {
		// adapter-node refuses a declared length over its own BODY_SIZE_LIMIT before reading
		// anything: the bytes are still on the socket, so drop them from there.
	}
	if (!raw || raw.readableEnded) return true;
	return new Promise((resolve) => {
		raw.on('data', (chunk: Buffer) => {
			size += chunk.byteLength;
			if (size > DRAIN_AT_MOST) {
				raw.pause();
				resolve(false);
			}
		});
		raw.once('end', () => resolve(true));
		raw.once('error', () => resolve(false));
		raw.resume();
	});
}
