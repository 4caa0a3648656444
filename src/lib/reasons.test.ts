import { describe, expect, it } from 'vitest';
import { hasFacts, sentence, withMessage } from './reasons';
import { REASON_CODES, type LimitFacts, type ReasonFacts } from './schemas/reasons';

const weekly: LimitFacts = {
	appliesTo: 'gift',
	metric: 'coins',
	period: 'week',
	amount: 100,
	currency: null,
	creatorId: 'c-ada',
	action: 'approval',
	used: 80,
	requested: 30,
	timeZone: 'America/New_York'
};

const ruleFacts: Partial<Record<ReasonFacts['code'], ReasonFacts>> = {
	channel_not_allowed: {
		code: 'channel_not_allowed',
		channel: 'gift_card',
		allowed: ['app', 'web']
	},
	quiet_hours: {
		code: 'quiet_hours',
		quietHours: { start: 21 * 60, end: 7 * 60 },
		timeZone: 'Europe/London',
		resetsAt: '2026-11-27T07:00:00.000Z'
	},
	purchases_blocked: { code: 'purchases_blocked', cause: 'guardian' }
};

describe('reason sentences', () => {
	it('says a limit with its numbers, and the reset only when asked', () => {
		const reason: ReasonFacts = {
			code: 'creator_limit',
			limit: weekly,
			resetsAt: '2026-11-23T05:00:00.000Z'
		};
		const words =
			'This would take the coins given in gifts to this creator this week to 110 coins, over the limit of 100 coins, so a guardian must approve it.';
		expect(sentence(reason)).toBe(
			`${words} It resets on Mon, 23 Nov 2026, 00:00 (America/New_York).`
		);
		expect(sentence(reason, { reset: false })).toBe(words);
		expect(withMessage(reason)).toEqual({ ...reason, message: sentence(reason) });
	});

	it('says a money limit in its currency, and a price it cannot compare', () => {
		const money: LimitFacts = {
			...weekly,
			appliesTo: 'recharge',
			metric: 'money',
			currency: 'EUR',
			creatorId: null,
			period: 'purchase',
			action: 'block',
			used: 0,
			requested: 1299
		};
		expect(sentence({ code: 'per_purchase_limit', limit: money })).toBe(
			'This purchase is €12.99, over the limit of €1.00 per purchase, so it is declined.'
		);
		expect(
			sentence({ code: 'per_purchase_limit', limit: { ...money, priceCurrency: 'USD' } })
		).toBe(
			'This limit is in EUR and the price is in USD; Coinguard cannot convert between them, so the limit is treated as reached.'
		);
	});

	it('has a sentence for every reason code', () => {
		for (const code of REASON_CODES) {
			const facts = (
				code === 'insufficient_balance'
					? { code, coins: { needed: 3, available: 1, balance: 1, onHold: 0 } }
					: code.endsWith('_limit') || code === 'creator_blocked'
						? { code, limit: weekly }
						: (ruleFacts[code] ?? { code })
			) as ReasonFacts;
			expect(sentence(facts), code).toMatch(/^[A-Z].*\.$/);
		}
		expect(sentence({ code: 'approval_denied' })).toBe('A guardian declined this purchase.');
	});

	it('says what a rule stops and what the person can do', () => {
		expect(sentence(ruleFacts.channel_not_allowed!)).toBe(
			'Purchases through gift cards are not allowed for this account; buy through the app or the website instead.'
		);
		expect(sentence(ruleFacts.quiet_hours!)).toBe(
			'Purchases are paused during quiet hours (21:00 to 07:00, Europe/London). They end on Fri, 27 Nov 2026, 07:00 (Europe/London).'
		);
		expect(sentence(ruleFacts.quiet_hours!, { reset: false })).toBe(
			'Purchases are paused during quiet hours (21:00 to 07:00, Europe/London).'
		);
		expect(sentence({ code: 'purchases_blocked', cause: 'no_guardian' })).toMatch(
			/must set up the family/
		);
		expect(sentence({ code: 'purchases_blocked', cause: 'guardian' })).toBe(
			'A guardian has blocked all purchases on this account.'
		);
		const everyRecharge = { ...weekly, appliesTo: 'recharge', period: 'purchase', amount: 0 };
		expect(
			sentence({
				code: 'per_purchase_limit',
				limit: { ...everyRecharge, action: 'approval' } as typeof weekly
			})
		).toBe("Every recharge needs a guardian's approval.");
	});

	it('tells reasons with their data from reasons recorded with a message only', () => {
		expect(hasFacts({ code: 'daily_limit', limit: weekly })).toBe(true);
		expect(hasFacts({ code: 'daily_limit' } as ReasonFacts)).toBe(false);
		expect(hasFacts({ code: 'insufficient_balance' } as ReasonFacts)).toBe(false);
		expect(hasFacts({ code: 'approval_expired' })).toBe(true);
	});
});
