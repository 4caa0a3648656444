import { describe, expect, it } from 'vitest';
import { asText, describe as describeLimit } from './limit-words';

const base = {
	applies_to: 'recharge' as const,
	metric: 'coins' as const,
	period: 'month' as const,
	amount: 5000,
	currency: null,
	action: 'block' as const,
	creator_id: null
};

describe('limit words', () => {
	it('says a coin budget plainly', () => {
		expect(asText(describeLimit(base, null, 'en-US'))).toBe(
			'At most 5,000 coins bought per month — block'
		);
	});

	it('says a money budget in its currency', () => {
		const limit = {
			...base,
			metric: 'money' as const,
			amount: 4999,
			currency: 'USD',
			period: 'week' as const
		};
		expect(asText(describeLimit(limit, null, 'en-US'))).toBe(
			'At most $49.99 spent on coins per week — block'
		);
	});

	it("writes the amount in the reader's locale", () => {
		expect(asText(describeLimit(base, null, 'de-DE'))).toBe(
			'At most 5.000 coins bought per month — block'
		);
		const money = { ...base, metric: 'money' as const, amount: 123456, currency: 'USD' };
		expect(asText(describeLimit(money, null, 'de-DE'))).toBe(
			'At most 1.234,56\u00a0$ spent on coins per month — block'
		);
	});

	it('names the creator of a gift limit as its own part, for a link', () => {
		const creator = { name: 'Luna Beats', handle: 'lunabeats' };
		const parts = describeLimit(
			{ ...base, applies_to: 'gift', amount: 300, action: 'approval', creator_id: 'c1' },
			creator,
			'en-US'
		);
		expect(parts).toContainEqual({ creator });
		expect(asText(parts)).toBe(
			'At most 300 coins given in gifts to Luna Beats per month — ask a guardian'
		);
	});

	it('says a zero limit as "no …"', () => {
		const creator = { name: 'Kai', handle: null };
		expect(
			asText(
				describeLimit({ ...base, applies_to: 'gift', amount: 0, creator_id: 'c' }, creator, 'en-US')
			)
		).toBe('No gifts to Kai — block');
		expect(
			asText(
				describeLimit({ ...base, amount: 0, period: 'day' as const, action: 'warn' }, null, 'en-US')
			)
		).toBe('No coins bought — warn only');
		expect(
			asText(describeLimit({ ...base, amount: 1, period: 'purchase' as const }, null, 'en-US'))
		).toBe('At most 1 coin bought in one purchase — block');
	});

	it('says the "every purchase waits" limit a minor starts with in words of its own', () => {
		const every = { ...base, period: 'purchase', amount: 0, action: 'approval' } as const;
		expect(asText(describeLimit(every, null, 'en-US'))).toBe('Every coin purchase asks a guardian');
		expect(asText(describeLimit({ ...every, applies_to: 'gift' }, null, 'en-US'))).toBe(
			'Every gift asks a guardian'
		);
	});
});
