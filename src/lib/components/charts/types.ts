export interface CreatorRow {
	creatorId: string;
	handle: string | null;
	name: string;
	coins: number;
	gifts: number;
	cost: { amount: number; currency: string }[];
	freeCoins: number;
}

export interface Stack {
	creatorId: string;
	name: string;
	/** Coins per month, in the order of the months given with it. */
	coins: number[];
}
