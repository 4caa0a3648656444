import { formatCoins, formatMoney } from './money';
import {
	LIMIT_REASON_CODES,
	type LimitFacts,
	type Reason,
	type ReasonFacts,
	type Shortfall
} from './schemas/reasons';
import type { LimitPeriod } from './schemas/limits';
import type { Channel } from './schemas/purchase';
import { CHANNEL_NAMES, clockTime } from './schemas/rules';

// The one place where a reason becomes a sentence. Everything else passes reasons as data,
// so a page that shows the reset time its own way asks for the sentence without it. The
// sentence is the API's `message` (other systems read it), so it stays English with en-US
// numbers whatever the account's locale; pages write their own figures with $lib/format.

export interface Wording {
	/** End with "It resets on …" when the limit has a reset time (the API's message does). */
	reset?: boolean;
}

export function sentence(reason: ReasonFacts, { reset = true }: Wording = {}): string {
	switch (reason.code) {
		case 'insufficient_balance':
			return shortfall(reason.coins);
		case 'creator_blocked':
			return 'Gifts to this creator are blocked.';
		case 'per_purchase_limit':
		case 'daily_limit':
		case 'weekly_limit':
		case 'monthly_limit':
		case 'creator_limit': {
			const words = overLimit(reason.limit);
			if (!reset || !reason.resetsAt) return words;
			return `${words} It resets ${formatReset(Date.parse(reason.resetsAt), reason.limit.timeZone)}.`;
		}
		case 'approval_denied':
			return 'A guardian declined this purchase.';
		case 'approval_expired':
			return 'No guardian answered in time, so the request expired. Ask again to buy it.';
		case 'minor_gifting_disabled':
			return 'Gifting is turned off for this account. A guardian can turn it on.';
		case 'quiet_hours': {
			const hours = `${clockTime(reason.quietHours.start)} to ${clockTime(reason.quietHours.end)}`;
			const words = `Purchases are paused during quiet hours (${hours}, ${reason.timeZone}).`;
			if (!reset) return words;
			return `${words} They end ${formatReset(Date.parse(reason.resetsAt), reason.timeZone)}.`;
		}
		case 'channel_not_allowed':
			return `Purchases through ${CHANNEL_NAMES[reason.channel]} are not allowed for this account${allowedWords(reason.allowed)}.`;
		case 'purchases_blocked':
			return reason.cause === 'no_guardian'
				? 'This account belongs to a minor with no guardian yet, so it cannot buy anything. A parent or guardian must set up the family in Coinguard first.'
				: 'A guardian has blocked all purchases on this account.';
	}
}

/** Whether a reason carries the data its sentence is made from (older records may not). */
export function hasFacts(reason: ReasonFacts): boolean {
	if (reason.code === 'insufficient_balance') return reason.coins !== undefined;
	if (reason.code === 'purchases_blocked') return reason.cause !== undefined;
	if (reason.code === 'channel_not_allowed') return reason.allowed !== undefined;
	if (reason.code === 'quiet_hours') return reason.quietHours !== undefined;
	return (LIMIT_REASON_CODES as readonly string[]).includes(reason.code)
		? reason.limit !== undefined
		: true;
}

/** The reason with its sentence, as the API answers it. */
export function withMessage(reason: ReasonFacts): Reason {
	return { ...reason, message: sentence(reason) } as Reason;
}

const periodWords: Record<LimitPeriod, string> = {
	purchase: 'per purchase',
	day: 'today',
	week: 'this week',
	month: 'this month'
};

function overLimit(limit: LimitFacts): string {
	if (limit.priceCurrency !== undefined) {
		// No exchange rates here: a price in another currency cannot be checked against this
		// limit, so it is treated as over it rather than waved through.
		const paid = limit.priceCurrency ?? 'no price';
		return `This limit is in ${limit.currency} and the price is in ${paid}; Coinguard cannot convert between them, so the limit is treated as reached.`;
	}
	const format = (value: number) =>
		limit.metric === 'money'
			? formatMoney(value, limit.currency!, 'en-US')
			: `${formatCoins(value, 'en-US')} coins`;
	const what =
		limit.appliesTo === 'recharge'
			? limit.metric === 'money'
				? 'the money spent on coins'
				: 'the coins bought'
			: 'the coins given in gifts';
	const target = limit.creatorId ? ' to this creator' : '';
	const consequence =
		limit.action === 'block'
			? 'so it is declined'
			: limit.action === 'approval'
				? 'so a guardian must approve it'
				: 'which is past the warning level you set';
	if (limit.period === 'purchase' && limit.amount === 0 && limit.action === 'approval') {
		return limit.appliesTo === 'recharge'
			? "Every recharge needs a guardian's approval."
			: "Every gift needs a guardian's approval.";
	}
	if (limit.period === 'purchase') {
		return `This purchase is ${format(limit.requested)}, over the limit of ${format(limit.amount)} per purchase, ${consequence}.`;
	}
	return `This would take ${what}${target} ${periodWords[limit.period]} to ${format(limit.used + limit.requested)}, over the limit of ${format(limit.amount)}, ${consequence}.`;
}

function allowedWords(allowed: readonly Channel[]): string {
	if (allowed.length === 0) return '';
	const names = allowed.map((c) => CHANNEL_NAMES[c]);
	const list =
		names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
	return `; buy through ${list} instead`;
}

const coinWords = (n: number) => `${formatCoins(n, 'en-US')} ${n === 1 ? 'coin' : 'coins'}`;

function shortfall({ needed, available, balance, onHold }: Shortfall): string {
	const verb = available === 1 ? 'is' : 'are';
	const start = `This gift needs ${coinWords(needed)} and ${formatCoins(available, 'en-US')} ${verb} available`;
	if (onHold === 0) return `${start}.`;
	return `${start} (${formatCoins(balance, 'en-US')} in the balance, ${formatCoins(onHold, 'en-US')} on hold for other gifts).`;
}

const resetFormats = new Map<string, Intl.DateTimeFormat>();
/** Reset times already written out: a limit resets at the end of a day, week or month, so the
 * same few come back in every purchase that meets a limit (a warning, most often). */
const resetWords = new Map<string, string>();
const RESET_WORDS_KEPT = 1_000;

function formatReset(at: number, timeZone: string): string {
	const key = `${timeZone}|${at}`;
	const known = resetWords.get(key);
	if (known !== undefined) return known;
	// Building an Intl formatter costs far more than using one: keep one per zone.
	let format = resetFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-GB', {
			weekday: 'short',
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			timeZone
		});
		resetFormats.set(timeZone, format);
	}
	const words = `on ${format.format(at)} (${timeZone})`;
	if (resetWords.size >= RESET_WORDS_KEPT) resetWords.clear();
	resetWords.set(key, words);
	return words;
}
