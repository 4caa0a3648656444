// The shape of the traffic: what a coin shop and a live-stream gift button send. Seeded, so
// every run (and both dialects) sees the same sequence of requests.

import { seededRandom as rng } from '../../src/lib/random';
import type { Channel, PurchaseKind } from '../../src/lib/schemas/purchase';

function weighted<T>(items: readonly (readonly [T, number])[]): (r: number) => T {
	const total = items.reduce((sum, [, w]) => sum + w, 0);
	return (r) => {
		let x = r * total;
		for (const [item, w] of items) {
			if ((x -= w) < 0) return item;
		}
		return items[items.length - 1]![0];
	};
}

export const CURRENCY = 'USD';

/** Coin packs as coin shops sell them: coins and price in cents, small packs sell most. */
export const PACKS = [
	{ id: 'pack_60', coins: 60, price: 99 },
	{ id: 'pack_300', coins: 300, price: 499 },
	{ id: 'pack_980', coins: 980, price: 1499 },
	{ id: 'pack_1980', coins: 1980, price: 2999 },
	{ id: 'pack_3280', coins: 3280, price: 4999 },
	{ id: 'pack_6480', coins: 6480, price: 9999 }
] as const;
const pickPack = weighted(PACKS.map((p, i) => [p, [30, 25, 20, 12, 8, 5][i]!] as const));

/** Gifts in a live stream: mostly cheap ones. */
const pickGiftCoins = weighted<number>([
	[1, 30],
	[5, 20],
	[10, 15],
	[30, 12],
	[99, 10],
	[199, 7],
	[520, 4],
	[1314, 2]
]);
const pickChannel = weighted<Exclude<Channel, 'gift_card'>>([
	['app', 70],
	['web', 25],
	['third_party', 5]
]);
const pickPayment = weighted<string>([
	['card', 50],
	['apple_pay', 25],
	['google_pay', 20],
	['paypal', 5]
]);

export const CREATORS = 200;
export const creatorId = (i: number) => `cr_bench_${String(i).padStart(3, '0')}`;
/** Zipf-like popularity: a few creators get most gifts. */
function pickCreator(r: number): string {
	return creatorId(Math.min(CREATORS - 1, Math.floor(CREATORS * r * r * r)));
}
/** Each account's favourite creator, the one its per-creator gift limit is for. */
export const favouriteCreator = (accountIndex: number) => creatorId((accountIndex * 7) % 20);

export const TIME_ZONES = [
	'Europe/Berlin',
	'America/New_York',
	'Asia/Tokyo',
	'UTC',
	'America/Los_Angeles',
	'Australia/Sydney'
] as const;

export interface BenchAccount {
	id: string;
	index: number;
	isMinor: boolean;
}

export interface AuthorizeBody {
	idempotencyKey: string;
	accountId: string;
	kind: PurchaseKind;
	coins: number;
	price?: { amount: number; currency: string };
	creatorId?: string;
	packageId?: string;
	channel: Exclude<Channel, 'gift_card'>;
	paymentMethod?: string;
}

/**
 * An endless stream of authorize inputs over `accounts`, each with a unique idempotency key:
 * 60 % recharges (a coin pack), 40 % gifts (a third to the account's favourite creator).
 */
export function requestStream(
	accounts: readonly BenchAccount[],
	keyPrefix: string,
	seed: number
): () => AuthorizeBody {
	const random = rng(seed);
	let counter = 0;
	return () => {
		const account = accounts[Math.floor(random() * accounts.length)]!;
		const idempotencyKey = `${keyPrefix}-${++counter}`;
		const channel = pickChannel(random());
		if (random() < 0.6) {
			const pack = pickPack(random());
			return {
				idempotencyKey,
				accountId: account.id,
				kind: 'recharge',
				coins: pack.coins,
				price: { amount: pack.price, currency: CURRENCY },
				packageId: pack.id,
				channel,
				paymentMethod: pickPayment(random())
			};
		}
		const favourite = random() < 1 / 3;
		return {
			idempotencyKey,
			accountId: account.id,
			kind: 'gift',
			coins: pickGiftCoins(random()),
			creatorId: favourite ? favouriteCreator(account.index) : pickCreator(random()),
			channel
		};
	};
}

/** One imported ledger entry of history (what a capture would have written). */
export interface HistoryEntry {
	kind: PurchaseKind;
	coins: number; // unsigned here; signed when written
	price_amount: number | null;
	currency: string | null;
	creator_id: string | null;
	channel: string;
	payment_method: string | null;
}

export function historyStream(seed: number): () => HistoryEntry {
	const random = rng(seed);
	return () => {
		const channel = pickChannel(random());
		if (random() < 0.6) {
			const pack = pickPack(random());
			return {
				kind: 'recharge',
				coins: pack.coins,
				price_amount: pack.price,
				currency: CURRENCY,
				creator_id: null,
				channel,
				payment_method: pickPayment(random())
			};
		}
		return {
			kind: 'gift',
			coins: pickGiftCoins(random()),
			price_amount: null,
			currency: null,
			creator_id: pickCreator(random()),
			channel,
			payment_method: null
		};
	};
}
