import type { Kysely } from 'kysely';
import type { AuthorizeRequest, AuthorizeResponse } from '$lib/schemas/purchase';
import type { DB } from '../db/schema';
import { template } from '../db/template';
import { PurchaseError } from './errors';
import { sha256Hex } from '../hash';

// As card networks and payment APIs do it: the same key with the same input answers the
// first response again; the same key with another input is a conflict. Keys are per API key.

/** A digest of everything but the idempotency key, after defaults: "the same input". */
export function fingerprintOf(input: AuthorizeRequest): string {
	const canonical = JSON.stringify([
		input.accountId,
		input.kind,
		input.coins,
		input.price?.amount ?? null,
		input.price?.currency ?? null,
		input.creatorId ?? null,
		input.packageId ?? null,
		input.channel,
		input.paymentMethod ?? null
	]);
	return sha256Hex(canonical);
}

const findQuery = template((trx, args: { apiKeyId: string; idempotencyKey: string }) =>
	trx
		.selectFrom('authorizations')
		.select(['fingerprint', 'response'])
		.where('api_key_id', '=', args.apiKeyId)
		.where('idempotency_key', '=', args.idempotencyKey)
);

export async function find(trx: Kysely<DB>, apiKeyId: string, idempotencyKey: string) {
	return (await findQuery.execute(trx, { apiKeyId, idempotencyKey })).rows[0];
}

export function replay(
	found: { fingerprint: string; response: string },
	fingerprint: string
): AuthorizeResponse {
	if (found.fingerprint !== fingerprint) {
		throw new PurchaseError(
			'CONFLICT',
			'This idempotencyKey was already used with a different request. Use a new key for a new purchase.'
		);
	}
	return JSON.parse(found.response) as AuthorizeResponse;
}
