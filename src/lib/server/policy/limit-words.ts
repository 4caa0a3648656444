import { formatCoins, formatMoney } from '../../money';
import type { Limit, LimitSetter } from '../db/schema';

// A limit in plain words: "At most 5,000 coins bought per month — block". The amount is
// written in the given locale: the reader's on pages, en-US where the words are kept (audit).

export interface CreatorRef {
	name: string;
	handle: string | null;
}

/** Text, with the creator (when there is one) as its own part so the page can link it. */
export type Part = string | { creator: CreatorRef };

type Described = Pick<
	Limit,
	'applies_to' | 'metric' | 'period' | 'amount' | 'currency' | 'action' | 'creator_id'
>;

const per: Record<Limit['period'], string> = {
	purchase: 'in one purchase',
	day: 'per day',
	week: 'per week',
	month: 'per month'
};

export const ACTION_WORDS: Record<Limit['action'], string> = {
	block: 'block',
	approval: 'ask a guardian',
	warn: 'warn only'
};

/** Who set a limit that the account itself may not change. */
export const SETTER_WORDS: Record<Exclude<LimitSetter, 'self'>, string> = {
	guardian: 'a guardian',
	operator: 'Coinguard'
};

/** Why a limit cannot be changed from the account it applies to. */
export function lockedMessage(setBy: Exclude<LimitSetter, 'self'>): string {
	const who = SETTER_WORDS[setBy];
	return `This limit was set by ${who}; only ${who} can change it.`;
}

function amountOf(limit: Described, locale: string): string {
	return limit.metric === 'money' && limit.currency
		? formatMoney(limit.amount, limit.currency, locale)
		: `${formatCoins(limit.amount, locale)} ${limit.amount === 1 ? 'coin' : 'coins'}`;
}

export function describe(limit: Described, creator: CreatorRef | null, locale: string): Part[] {
	// The "every purchase waits" limit a minor starts with: nothing to count, one thing to say.
	if (limit.amount === 0 && limit.action === 'approval' && limit.period === 'purchase') {
		const what = limit.applies_to === 'gift' ? 'Every gift' : 'Every coin purchase';
		return creator ? [`${what} to `, { creator }, ' asks a guardian'] : [`${what} asks a guardian`];
	}
	const action = ` — ${ACTION_WORDS[limit.action]}`;
	const target: Part[] = creator ? [' to ', { creator }] : [];
	if (limit.applies_to === 'gift') {
		if (limit.amount === 0) return ['No gifts', ...target, action];
		return [
			`At most ${amountOf(limit, locale)} given in gifts`,
			...target,
			` ${per[limit.period]}${action}`
		];
	}
	const what = limit.metric === 'money' ? 'spent on coins' : 'bought';
	if (limit.amount === 0) {
		return [limit.metric === 'money' ? 'Nothing spent on coins' : 'No coins bought', action];
	}
	return [`At most ${amountOf(limit, locale)} ${what} ${per[limit.period]}${action}`];
}

export function asText(parts: readonly Part[]): string {
	return parts.map((p) => (typeof p === 'string' ? p : p.creator.name)).join('');
}
