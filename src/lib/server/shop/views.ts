import type { Kysely } from 'kysely';
import type { SessionUser } from '../auth/sessions';
import type { DB } from '../db/schema';
import { windowOf } from '../policy/periods';
import * as catalogue from './catalogue';
import { PAYMENT_METHODS } from './payment';

// What the coin shop and a creator's page show. Each render carries a fresh idempotency key
// for its form, so a form sent twice buys once, and the next render buys again.

export async function shop(db: Kysely<DB>, user: SessionUser) {
	const [packs, balance] = await Promise.all([
		catalogue.packs(db, user.currency),
		catalogue.balance(db, user.id)
	]);
	return {
		packs: packs.map((p) => ({
			id: p.id,
			coins: p.coins,
			price: p.price_amount,
			currency: p.currency,
			// In minor units; bigger packs are cheaper per coin, and this shows by how much.
			pricePer100: Math.round((p.price_amount * 100) / p.coins)
		})),
		currency: user.currency,
		balance,
		paymentMethods: PAYMENT_METHODS.map((m) => ({ value: m.value, label: m.label })),
		idempotencyKey: crypto.randomUUID()
	};
}

/** A creator's page by handle, or null when no creator has that handle. */
export async function creator(db: Kysely<DB>, user: SessionUser, handle: string, now: number) {
	const found = await catalogue.creatorByHandle(db, handle);
	if (!found) return null;
	const month = windowOf('month', user.timeZone, now);
	const [gifts, balance, givenThisMonth] = await Promise.all([
		catalogue.gifts(db),
		catalogue.balance(db, user.id),
		catalogue.givenTo(db, user.id, found.id, month.start, month.end)
	]);
	return {
		creator: { handle: found.handle!, name: found.display_name },
		gifts: gifts.map((g) => ({ id: g.id, name: g.name, emoji: g.emoji, coins: g.coins })),
		balance,
		givenThisMonth,
		monthStart: month.start,
		idempotencyKey: crypto.randomUUID()
	};
}
