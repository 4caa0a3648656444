// What a running total counts, as the key of its `period_totals` row: all coins, the coins
// given to one creator, or the money paid in one currency. Built here and nowhere else.

export const SCOPE_KINDS = ['coins', 'creator', 'money'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const coins = 'coins' satisfies ScopeKind;

export function creator(creatorId: string): string {
	return `${'creator' satisfies ScopeKind}:${creatorId}`;
}

export function money(currency: string): string {
	return `${'money' satisfies ScopeKind}:${currency}`;
}
