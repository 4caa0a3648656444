import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/router';
import { createContext } from '$lib/server/trpc/init';
import { MAX_BODY_BYTES, tooLarge } from '$lib/server/body-limit';

const handler: RequestHandler = async (event) => {
	let request = event.request;
	if (request.method === 'POST' && !request.headers.has('content-length')) {
		// The hook refused declared lengths over the limit (and adapter-node holds a body to its
		// declared length); a chunked body has none, so it is read and counted here.
		const body = await request.arrayBuffer();
		if (body.byteLength > MAX_BODY_BYTES) return tooLarge(true);
		request = new Request(request.url, { method: 'POST', headers: request.headers, body });
	}
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: request,
		router: appRouter,
		createContext: () => createContext(event),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') {
				console.error(`tRPC ${path ?? '?'}:`, error.cause ?? error);
			}
		}
	});
};

export const GET = handler;
export const POST = handler;
