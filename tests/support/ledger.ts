import type { Kysely } from 'kysely';
import type { Channel } from '../../src/lib/schemas/purchase';
import type { AuthorizationStatus, DB } from '../../src/lib/server/db/schema';
import * as totals from '../../src/lib/server/ledger/totals';

/** One past purchase, as a capture would have written it to the ledger. */
export interface PastEntry {
	id: string;
	kind: 'recharge' | 'gift';
	/** Signed as the ledger's: a recharge adds coins, a gift takes them. */
	coins: number;
	at: number;
	/** A recharge's price, in minor units. */
	price?: { amount: number; currency: string };
	creatorId?: string;
	paymentMethod?: string;
	channel?: Channel;
}

/**
 * Writes `entries` to an account's ledger and rebuilds its period totals, as captures would
 * have left them; with `setBalance`, the coin balance becomes the entries' sum too.
 */
export async function recordHistory(
	db: Kysely<DB>,
	accountId: string,
	entries: readonly PastEntry[],
	options: { setBalance?: boolean } = {}
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('ledger_entries')
			.values(
				entries.map((e) => ({
					id: e.id,
					account_id: accountId,
					kind: e.kind,
					coins: e.coins,
					price_amount: e.price?.amount ?? null,
					currency: e.price?.currency ?? null,
					creator_id: e.creatorId ?? null,
					gift_id: null,
					pack_id: null,
					channel: e.channel ?? 'app',
					payment_method: e.paymentMethod ?? null,
					authorization_id: null,
					occurred_at: e.at
				}))
			)
			.execute();
		await totals.rebuild(trx, accountId);
		if (options.setBalance) {
			const balance = entries.reduce((sum, e) => sum + e.coins, 0);
			await trx
				.updateTable('accounts')
				.set({ coin_balance: balance })
				.where('id', '=', accountId)
				.execute();
		}
	});
}

/** A purchase still open (held, waiting, declined: not in the ledger), as the flow records it. */
export interface PastAuthorization {
	id: string;
	status: AuthorizationStatus;
	kind: 'recharge' | 'gift';
	coins: number;
	at: number;
	price?: { amount: number; currency: string };
	creatorId?: string;
	channel?: Channel;
}

/** Writes authorizations made with the key `apiKeyId`, the way `purchase.authorize` stores them. */
export async function recordAuthorizations(
	db: Kysely<DB>,
	accountId: string,
	apiKeyId: string,
	rows: readonly PastAuthorization[]
): Promise<void> {
	await db
		.insertInto('authorizations')
		.values(
			rows.map((a) => ({
				id: a.id,
				account_id: accountId,
				api_key_id: apiKeyId,
				idempotency_key: a.id,
				fingerprint: 'f',
				kind: a.kind,
				coins: a.coins,
				price_amount: a.price?.amount ?? null,
				currency: a.price?.currency ?? null,
				creator_id: a.creatorId ?? null,
				package_id: null,
				channel: a.channel ?? 'app',
				payment_method: null,
				status: a.status,
				decision:
					a.status === 'declined' || a.status === 'pending_approval'
						? a.status
						: ('approved' as const),
				reasons: '[]',
				response: '{}',
				day_key: 'd',
				week_key: 'w',
				month_key: 'm',
				created_at: a.at,
				expires_at: null,
				settled_at: null,
				standing_approval_id: null
			}))
		)
		.execute();
}
