import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/router';
import { createContext } from '$lib/server/trpc/init';
import { MAX_BATCH_CALLS } from '$lib/schemas/common';

// Body size is held to the limit in `handle` (src/hooks.server.ts), chunked bodies included.
const handler: RequestHandler = (event) =>
	fetchRequestHandler({
		endpoint: '/api/trpc',
		req: event.request,
		router: appRouter,
		maxBatchSize: MAX_BATCH_CALLS,
		createContext: () => createContext(event),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') {
				console.error(`tRPC ${path ?? '?'}:`, error.cause ?? error);
			}
		}
	});

export const GET = handler;
export const POST = handler;
