import { describe, expect, it } from 'vitest';
import { formatMoney, minorDigits } from './money';

describe('money', () => {
	it('knows each currency minor unit', () => {
		expect(minorDigits('USD')).toBe(2);
		expect(minorDigits('JPY')).toBe(0);
		expect(minorDigits('KWD')).toBe(3);
	});

	it('formats minor units', () => {
		expect(formatMoney(9999, 'USD', 'en-US')).toBe('$99.99');
		expect(formatMoney(1200, 'JPY', 'en-US')).toBe('¥1,200');
	});
});
