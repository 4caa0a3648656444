import type { Kysely } from 'kysely';
import type { AuthorizationView, AuthorizeInput, AuthorizeResponse } from '$lib/schemas/purchase';
import * as accounts from '../../src/lib/server/accounts';
import type { DB } from '../../src/lib/server/db/schema';
import * as limits from '../../src/lib/server/policy/limits';
import type { RunningServer } from './server';

/** One call of a purchase procedure over HTTP, as another service makes it (plain JSON, no transformer). */
export interface ApiCall<T> {
	status: number;
	/** The raw response body, byte for byte, to compare replays exactly. */
	text: string;
	/** `result.data` of a successful call. */
	data?: T;
	/** `error` of a refused or failed call: tRPC's code (e.g. CONFLICT) and HTTP status. */
	error?: { message: string; code: string; httpStatus: number };
}

type Procedure = 'authorize' | 'capture' | 'void' | 'get';
type Output<P extends Procedure> = P extends 'authorize' ? AuthorizeResponse : AuthorizationView;
type Input<P extends Procedure> = P extends 'authorize'
	? AuthorizeInput
	: { authorizationId: string };

/**
 * Calls `purchase.<procedure>` at `origin` with an API key. Network failures (a killed
 * server, a timeout) are thrown; every HTTP answer is returned, whatever its status.
 */
export async function callPurchase<P extends Procedure>(
	origin: string,
	apiKey: string,
	procedure: P,
	input: Input<P>,
	timeoutMs = 20_000
): Promise<ApiCall<Output<P>>> {
	const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
	const signal = AbortSignal.timeout(timeoutMs);
	const response =
		procedure === 'get'
			? await fetch(
					`${origin}/api/trpc/purchase.get?input=${encodeURIComponent(JSON.stringify(input))}`,
					{ headers, signal }
				)
			: await fetch(`${origin}/api/trpc/purchase.${procedure}`, {
					method: 'POST',
					headers,
					body: JSON.stringify(input),
					signal
				});
	const text = await response.text();
	let parsed: { result?: { data?: Output<P> }; error?: { message: string; data?: never } } = {};
	try {
		parsed = JSON.parse(text);
	} catch {
		// Not JSON: left for the caller to see in `text`.
	}
	const error = parsed.error as
		{ message: string; data?: { code?: string; httpStatus?: number } } | undefined;
	return {
		status: response.status,
		text,
		data: parsed.result?.data,
		error: error
			? {
					message: error.message,
					code: error.data?.code ?? '?',
					httpStatus: error.data?.httpStatus ?? response.status
				}
			: undefined
	};
}

// Seeded, so a failing random run can be repeated with its seed.
export { seededRandom } from '../../src/lib/random';

/** An account of its own for one scenario, with a monthly `block` limit on recharge coins. */
export async function accountWithMonthlyLimit(
	db: Kysely<DB>,
	label: string,
	monthlyCoins: number
): Promise<string> {
	const account = await accounts.create(db, {
		email: `${label}-${Math.random().toString(36).slice(2, 10)}@example.com`,
		displayName: label,
		password: 'a long enough passphrase',
		timeZone: 'UTC',
		currency: 'USD'
	});
	await limits.add(
		db,
		account.id,
		{
			appliesTo: 'recharge',
			metric: 'coins',
			period: 'month',
			amount: monthlyCoins,
			currency: null,
			creatorId: null,
			action: 'block'
		},
		{ role: 'operator', accountId: null },
		Date.now()
	);
	return account.id;
}

/** A recharge request of `coins` coins (one cent each), under `idempotencyKey`. */
export function recharge(accountId: string, idempotencyKey: string, coins: number): AuthorizeInput {
	return {
		idempotencyKey,
		accountId,
		kind: 'recharge',
		coins,
		price: { amount: coins, currency: 'USD' }
	};
}

/**
 * Stops a server (SIGTERM), and kills it if it is not gone within `ms`: on PostgreSQL the
 * server lingers about 10 s after SIGTERM while its pool's idle connections time out.
 */
export async function stopWithin(server: RunningServer, ms = 3000): Promise<void> {
	const timer = setTimeout(() => server.process.kill('SIGKILL'), ms);
	try {
		await server.stop();
	} finally {
		clearTimeout(timer);
	}
}
