import type { Kysely } from 'kysely';
import type { Purchase } from '$lib/schemas/notifications';
import type { Authorization, DB } from '../db/schema';

type Bought = Pick<
	Authorization,
	'id' | 'kind' | 'coins' | 'price_amount' | 'currency' | 'channel' | 'creator_id'
>;

/** The purchase as a notice names it (with the creator's name for a gift). */
export async function describe(db: Kysely<DB>, auth: Bought): Promise<Purchase> {
	const creator = auth.creator_id
		? await db
				.selectFrom('creators')
				.select('display_name')
				.where('id', '=', auth.creator_id)
				.executeTakeFirst()
		: undefined;
	return {
		authorizationId: auth.id,
		kind: auth.kind,
		coins: auth.coins,
		price:
			auth.price_amount !== null && auth.currency !== null
				? { amount: auth.price_amount, currency: auth.currency }
				: null,
		channel: auth.channel,
		creatorName: creator?.display_name ?? auth.creator_id
	};
}
