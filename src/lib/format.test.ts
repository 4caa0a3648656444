import { describe, expect, it } from 'vitest';
import { formatter } from './format';

// Intl writes a no-break space (U+00A0) or narrow one (U+202F) where a space is shown.
const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatter', () => {
	it('writes coins, money and shares in the given locale', () => {
		const de = formatter('de-DE');
		expect(de.coins(1234)).toBe('1.234');
		expect(spaced(de.money(1234, 'USD'))).toBe('12,34 $');
		expect(spaced(de.money(123456, 'EUR'))).toBe('1.234,56 €');
		expect(spaced(de.percent(0.125))).toBe('12,5 %');
		const us = formatter('en-US');
		expect(us.coins(1234)).toBe('1,234');
		expect(us.money(1234, 'USD')).toBe('$12.34');
		expect(us.money(1200, 'JPY')).toBe('¥1,200');
		expect(us.percent(0.125)).toBe('12.5%');
	});

	it('signs coins that came in and went out, with a minus sign rather than a hyphen', () => {
		expect(formatter('en-US').signedCoins(350)).toBe('+350');
		expect(formatter('en-US').signedCoins(-1200)).toBe('\u22121,200');
		expect(formatter('de-DE').signedCoins(-1200)).toBe('\u22121.200');
	});

	it('writes dates in the locale and the time zone given', () => {
		const at = Date.parse('2026-11-26T23:30:00Z');
		const options = { dateStyle: 'medium', timeZone: 'Europe/Berlin' } as const;
		expect(formatter('de-DE').date(at, options)).toBe('27.11.2026');
		expect(formatter('en-US').date(at, options)).toBe('Nov 27, 2026');
		expect(formatter('en-GB').dates({ month: 'long', timeZone: 'UTC' }).format(at)).toBe(
			'November'
		);
	});

	it('gives the same formatter for the same locale', () => {
		expect(formatter('fr-CA')).toBe(formatter('fr-CA'));
	});
});
