import type { AuthorizationStatus, AuthorizationView } from '$lib/schemas/purchase';
import type { Database } from '../db';
import { writeTransaction } from '../db/transaction';
import type { ApiKeySummary } from '../auth/api-keys';
import { PurchaseError, unknownAuthorization } from './errors';
import * as lock from './lock';
import * as states from './states';
import { apply } from './transition';
import { findOwn, view } from './view';

// The purchase flow's half: capture a held authorization (it enters the ledger) or void it
// (the payment failed, or the flow withdraws a purchase that waits for a guardian).

type Settlement = { ok: AuthorizationView } | { refused: PurchaseError };

async function settle(
	database: Database,
	apiKey: ApiKeySummary,
	authorizationId: string,
	operation: 'capture' | 'void',
	now: number
): Promise<AuthorizationView> {
	const result = await writeTransaction(database, async (trx): Promise<Settlement> => {
		const found = await findOwn(trx, apiKey, authorizationId);
		if (!found) throw unknownAuthorization();
		await lock.account(trx, database, found.account_id, now);
		const auth = (await findOwn(trx, apiKey, authorizationId))!; // re-read under the lock
		if (states.isRepeat(auth.status, operation)) return { ok: view(auth, now) };
		if (states.isDue(auth, now)) {
			// Expire it for good (committed), then refuse.
			const expired = await apply(trx, auth, 'expire', now);
			const status = expired?.status ?? auth.status;
			return { refused: conflict(status, operation) };
		}
		const done = await apply(trx, auth, operation, now);
		if (!done) return { refused: conflict(auth.status, operation) };
		return { ok: view(done, now) };
	});
	if ('refused' in result) throw result.refused;
	return result.ok;
}

function conflict(status: AuthorizationStatus, operation: states.Operation): PurchaseError {
	return new PurchaseError('CONFLICT', states.refusal(status, operation));
}

export function capture(database: Database, apiKey: ApiKeySummary, id: string, now = Date.now()) {
	return settle(database, apiKey, id, 'capture', now);
}

export function voidHold(database: Database, apiKey: ApiKeySummary, id: string, now = Date.now()) {
	return settle(database, apiKey, id, 'void', now);
}
