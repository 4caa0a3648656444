import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consume, lotOf, NO_CURRENCY, paidOnly, share, type Lot } from './fifo';

describe('FIFO cost of gifts', () => {
	it('values a gift at the price per coin of the oldest recharge', () => {
		const lots = [lotOf(100, 199, 'USD'), lotOf(500, 899, 'USD')];
		expect(consume(lots, 50)).toEqual([{ currency: 'USD', coins: 50, amount: 99 }]);
		expect(lots[0]!.coinsLeft).toBe(50);
		// The rest of the lot costs the rest of its price: rounding never loses or adds a cent.
		expect(consume(lots, 50)).toEqual([{ currency: 'USD', coins: 50, amount: 100 }]);
	});

	it('takes a gift spanning two recharges from both, oldest first', () => {
		const lots = [lotOf(100, 100, 'USD'), lotOf(100, 500, 'USD')];
		expect(consume(lots, 150)).toEqual([{ currency: 'USD', coins: 150, amount: 100 + 250 }]);
		expect(lots.map((l) => l.coinsLeft)).toEqual([0, 50]);
	});

	it('keeps each currency apart when recharges were paid in two', () => {
		const lots = [lotOf(100, 100, 'USD'), lotOf(50, 200, 'EUR')];
		expect(consume(lots, 120)).toEqual([
			{ currency: 'USD', coins: 100, amount: 100 },
			{ currency: 'EUR', coins: 20, amount: 80 }
		]);
	});

	it('prices coins with no paid recharge behind them at 0, and leaves them out of the cost', () => {
		const lots = [lotOf(10, 50, 'JPY')];
		const parts = consume(lots, 25);
		expect(parts).toEqual([
			{ currency: 'JPY', coins: 10, amount: 50 },
			{ currency: NO_CURRENCY, coins: 15, amount: 0 }
		]);
		expect(paidOnly(parts)).toEqual([{ amount: 50, currency: 'JPY' }]);
		expect(consume([lotOf(10, null, null)], 5)).toEqual([
			{ currency: NO_CURRENCY, coins: 5, amount: 0 }
		]);
	});

	it('multiplies prices and coins beyond 2^53 without losing precision', () => {
		expect(share(9_000_000_000_000, 10_000_000, 3_333_333)).toBe(2_999_999_700_000);
	});

	const currency = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD');
	const step = fc.oneof(
		fc.record({
			kind: fc.constant('recharge' as const),
			coins: fc.integer({ min: 1, max: 10_000_000 }),
			price: fc.integer({ min: 0, max: 1_000_000_000 }),
			currency
		}),
		fc.record({
			kind: fc.constant('gift' as const),
			coins: fc.integer({ min: 1, max: 10_000_000 })
		})
	);

	it('never costs more than was paid, per currency, and covers every coin given', () => {
		fc.assert(
			fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
				const lots: Lot[] = [];
				const paid = new Map<string, number>();
				const cost = new Map<string, number>();
				let balance = 0;
				for (const s of steps) {
					if (s.kind === 'recharge') {
						lots.push(lotOf(s.coins, s.price, s.currency));
						paid.set(s.currency, (paid.get(s.currency) ?? 0) + s.price);
						balance += s.coins;
						continue;
					}
					const parts = consume(lots, s.coins);
					expect(parts.reduce((n, p) => n + p.coins, 0)).toBe(s.coins);
					// Free coins only once the paid ones are all given.
					const free = parts.find((p) => p.currency === NO_CURRENCY)?.coins ?? 0;
					expect(free).toBe(Math.max(0, s.coins - balance));
					balance = Math.max(0, balance - s.coins);
					for (const p of paidOnly(parts)) {
						expect(p.amount).toBeGreaterThanOrEqual(0);
						cost.set(p.currency, (cost.get(p.currency) ?? 0) + p.amount);
					}
				}
				for (const [c, amount] of cost) expect(amount).toBeLessThanOrEqual(paid.get(c) ?? 0);
				// Empty lots gave out exactly their price.
				for (const [c, total] of paid) {
					const unspent = lots
						.filter((l) => l.currency === c)
						.reduce(
							(n, l) => n + (l.priceAmount - share(l.priceAmount, l.coins, l.coins - l.coinsLeft)),
							0
						);
					expect((cost.get(c) ?? 0) + unspent).toBe(total);
				}
			})
		);
	});
});
