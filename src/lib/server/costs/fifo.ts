// First-in first-out costing, pure: a gift takes its coins from the oldest recharge lots with
// coins left, and costs what those coins cost. No I/O here, so property tests can run it.

/** ISO 4217's code for "no currency": coins no paid recharge stands behind. They cost 0. */
export const NO_CURRENCY = 'XXX';

export interface Lot {
	coins: number;
	coinsLeft: number;
	/** What the whole lot cost, in minor units of `currency`. */
	priceAmount: number;
	currency: string;
}

export interface CostPart {
	currency: string;
	coins: number;
	amount: number;
}

/**
 * The money behind the first `spent` coins of a lot, rounded down. Taking coins as the
 * difference of two such shares means a lot, spent in any number of gifts, gives out exactly
 * its price once empty, and never more on the way.
 */
export function share(priceAmount: number, coins: number, spent: number): number {
	if (coins <= 0) return 0;
	// BigInt: a price times a coin count can pass 2^53.
	return Number((BigInt(priceAmount) * BigInt(spent)) / BigInt(coins));
}

/** A recharge as a lot; a recharge with no price (imported, free) is coins that cost nothing. */
export function lotOf(coins: number, priceAmount: number | null, currency: string | null): Lot {
	const paid = priceAmount !== null && currency !== null;
	return {
		coins,
		coinsLeft: coins,
		priceAmount: paid ? priceAmount : 0,
		currency: paid ? currency : NO_CURRENCY
	};
}

/**
 * Takes `coins` from `lots` (oldest first, those with coins left), changing their `coinsLeft`,
 * from index `start` on, and returns the cost per currency, in the order first taken. Coins beyond what the lots
 * hold are a part in NO_CURRENCY at 0.
 */
export function consume(lots: Lot[], coins: number, start = 0): CostPart[] {
	const { parts, left } = take(lots, coins, start);
	if (left > 0) addPart(parts, { currency: NO_CURRENCY, coins: left, amount: 0 });
	return parts;
}

/** Adds `part` to the part of the same currency in `parts`, or as a new one. */
export function addPart(parts: CostPart[], part: CostPart): void {
	const found = parts.find((p) => p.currency === part.currency);
	if (found) {
		found.coins += part.coins;
		found.amount += part.amount;
	} else parts.push({ ...part });
}

/** As `consume`, but returns the coins the lots could not cover instead of pricing them at 0. */
export function take(lots: Lot[], coins: number, start = 0): { parts: CostPart[]; left: number } {
	const parts = new Map<string, CostPart>();
	const add = (currency: string, taken: number, amount: number) => {
		const part = parts.get(currency) ?? { currency, coins: 0, amount: 0 };
		part.coins += taken;
		part.amount += amount;
		parts.set(currency, part);
	};
	let wanted = coins;
	for (let i = start; i < lots.length && wanted > 0; i++) {
		const lot = lots[i]!;
		if (lot.coinsLeft === 0) continue;
		const taken = Math.min(wanted, lot.coinsLeft);
		const spentBefore = lot.coins - lot.coinsLeft;
		add(
			lot.currency,
			taken,
			share(lot.priceAmount, lot.coins, spentBefore + taken) -
				share(lot.priceAmount, lot.coins, spentBefore)
		);
		lot.coinsLeft -= taken;
		wanted -= taken;
	}
	return { parts: [...parts.values()], left: wanted };
}

/** Money parts without the free coins, as reports show cost: `[{ amount, currency }]`. */
export function paidOnly(parts: readonly CostPart[]): { amount: number; currency: string }[] {
	return parts
		.filter((p) => p.currency !== NO_CURRENCY)
		.map((p) => ({ amount: p.amount, currency: p.currency }));
}
