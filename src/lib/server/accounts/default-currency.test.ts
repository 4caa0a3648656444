import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage } from './default-currency';

describe("sign-up currency from the browser's languages", () => {
	it.each([
		['en-GB,en;q=0.9', 'GBP'],
		['de-DE,de;q=0.9,en;q=0.8', 'EUR'],
		['ja', 'JPY'],
		['pt-BR', 'BRL'],
		['fr-CA,fr;q=0.8', 'CAD'],
		['es-MX', 'MXN'],
		['hi-IN', 'INR'],
		['en-US', 'USD']
	])('%s → %s', (header, currency) => {
		expect(fromAcceptLanguage(header)).toBe(currency);
	});

	it('follows the q weights, skips regions without an offered currency and bad tags', () => {
		expect(fromAcceptLanguage('en-US;q=0.5, en-GB;q=0.9')).toBe('GBP');
		expect(fromAcceptLanguage('de-CH, fr-FR;q=0.7')).toBe('EUR');
		expect(fromAcceptLanguage('!!<script>, ja;q=0.2')).toBe('JPY');
	});

	it('falls back to USD with no header or nothing usable', () => {
		expect(fromAcceptLanguage(null)).toBe('USD');
		expect(fromAcceptLanguage('*')).toBe('USD');
		expect(fromAcceptLanguage('zh-CN')).toBe('USD');
	});
});
