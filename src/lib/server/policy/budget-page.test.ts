import { describe, expect, it } from 'vitest';
import { toCoins, toMinorUnits } from './budget-page';

describe('budget amounts', () => {
	it('turns major units into minor units by the currency’s digits', () => {
		expect(toMinorUnits('49.99', 'USD')).toBe(4999);
		expect(toMinorUnits('50', 'USD')).toBe(5000);
		expect(toMinorUnits('0.5', 'EUR')).toBe(50);
		expect(toMinorUnits(' 1,250.00 ', 'GBP')).toBe(125000);
		expect(toMinorUnits('3000', 'JPY')).toBe(3000);
		expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
	});

	it('refuses what is not an amount of that currency', () => {
		for (const text of ['', 'abc', '-5', '1.999', '1e3', '12,34', '$5']) {
			expect(toMinorUnits(text, 'USD'), text).toBeNull();
		}
		expect(toMinorUnits('10.5', 'JPY')).toBeNull();
	});

	it('reads whole coins, with or without thousands separators', () => {
		expect(toCoins('5000')).toBe(5000);
		expect(toCoins('5,000')).toBe(5000);
		expect(toCoins('0')).toBe(0);
		expect(toCoins('12.5')).toBeNull();
		expect(toCoins('')).toBeNull();
	});
});
