import { TRPCClientError } from '@trpc/client';
import type { Kysely } from 'kysely';
import { createCoinguardClient, type CoinguardClient } from '$lib/client';
import type { AuthorizationView, AuthorizeInput, AuthorizeResponse } from '$lib/schemas/purchase';
import type { DB } from '../db/schema';
import * as shopKey from './key';

/** The purchase procedures the shop flow needs; tests can pass the ledger's own functions. */
export interface PurchaseApi {
	authorize(input: AuthorizeInput): Promise<AuthorizeResponse>;
	capture(authorizationId: string): Promise<AuthorizationView>;
	void(authorizationId: string): Promise<AuthorizationView>;
	get(authorizationId: string): Promise<AuthorizationView>;
}

/** The tRPC error code of a failed call (`CONFLICT`, `UNAUTHORIZED` …), or null for anything else. */
export function errorCode(error: unknown): string | null {
	if (error instanceof TRPCClientError) {
		const code = (error.data as { code?: unknown } | undefined)?.code;
		return typeof code === 'string' ? code : null;
	}
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : null;
}

/**
 * The purchase API over HTTP, through this app's own /api/trpc endpoint: SvelteKit's
 * `event.fetch` serves same-origin calls in process, still through the hooks and the router.
 */
export function overHttp(db: Kysely<DB>, event: { url: URL; fetch: typeof fetch }): PurchaseApi {
	async function call<T>(work: (client: CoinguardClient) => Promise<T>): Promise<T> {
		const key = await shopKey.get(db);
		try {
			return await work(createCoinguardClient(event.url.origin, key, { fetch: event.fetch }));
		} catch (error) {
			if (errorCode(error) !== 'UNAUTHORIZED') throw error;
			// Another process's start-up revoked this key after a quiet day: make a new one, once.
			await shopKey.forget(key);
			const fresh = await shopKey.get(db);
			return work(createCoinguardClient(event.url.origin, fresh, { fetch: event.fetch }));
		}
	}
	return {
		authorize: (input) => call((c) => c.purchase.authorize.mutate(input)),
		capture: (authorizationId) => call((c) => c.purchase.capture.mutate({ authorizationId })),
		void: (authorizationId) => call((c) => c.purchase.void.mutate({ authorizationId })),
		get: (authorizationId) => call((c) => c.purchase.get.query({ authorizationId }))
	};
}
