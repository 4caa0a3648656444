import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { AppRouter } from './server/trpc/router';
import { MAX_BATCH_CALLS } from './schemas/common';

export type { AuthorizeInput, AuthorizeResponse, AuthorizationView } from './schemas/purchase';

export interface ClientOptions {
	/** Send concurrent calls as one HTTP request (tRPC batching). Default false. */
	batch?: boolean;
	/** A fetch to use instead of the global one (SvelteKit's `event.fetch`, a test double …). */
	fetch?: typeof fetch;
}

/**
 * A typed client of Coinguard's purchase API for TypeScript recharge flows:
 *
 *   const coinguard = createCoinguardClient('https://coinguard.example', process.env.COINGUARD_KEY);
 *   const answer = await coinguard.purchase.authorize.mutate({ idempotencyKey, accountId, kind: 'recharge', coins: 660, price: { amount: 999, currency: 'USD' } });
 *
 * Plain JSON over HTTP (no transformer), so this is a convenience, not a requirement.
 */
export function createCoinguardClient(url: string, apiKey: string, options: ClientOptions = {}) {
	const common = {
		url: new URL('/api/trpc', url).toString(),
		headers: () => ({ authorization: `Bearer ${apiKey}` }),
		...(options.fetch ? { fetch: options.fetch } : {})
	};
	const link = options.batch
		? httpBatchLink({ ...common, maxItems: MAX_BATCH_CALLS })
		: httpLink(common);
	return createTRPCClient<AppRouter>({ links: [link] });
}

export type CoinguardClient = ReturnType<typeof createCoinguardClient>;
