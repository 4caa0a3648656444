import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/router';
import { createContext } from '$lib/server/trpc/init';

export const MAX_BODY_BYTES = 64 * 1024;

function tooLarge(): Response {
	const body = {
		error: {
			message: `Request body is over ${MAX_BODY_BYTES / 1024} KiB.`,
			code: -32600,
			data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 }
		}
	};
	return new Response(JSON.stringify(body), {
		status: 413,
		headers: { 'content-type': 'application/json' }
	});
}

const handler: RequestHandler = async (event) => {
	let request = event.request;
	if (request.method === 'POST') {
		const declared = Number(request.headers.get('content-length') ?? 0);
		if (declared > MAX_BODY_BYTES) return tooLarge();
		// A chunked body has no length up front: read it and count.
		const body = await request.arrayBuffer();
		if (body.byteLength > MAX_BODY_BYTES) return tooLarge();
		request = new Request(request.url, { method: 'POST', headers: request.headers, body });
	}
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: request,
		router: appRouter,
		createContext: () => createContext(event),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR')
				console.error(`tRPC ${path ?? '?'}:`, error.cause ?? error);
		}
	});
};

export const GET = handler;
export const POST = handler;
