import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage } from './default-locale';

describe("sign-up locale from the browser's languages", () => {
	it.each([
		['de-DE,de;q=0.9,en;q=0.8', 'de-DE'],
		['en-GB,en;q=0.9', 'en-GB'],
		['fr-CA,fr;q=0.8', 'fr-CA'],
		['de', 'de-DE'],
		['ja', 'ja-JP'],
		['zh-Hant', 'zh-Hant-TW'],
		['es-419,es;q=0.9', 'es-419'],
		['EN-us', 'en-US']
	])('%s → %s', (header, expected) => {
		expect(fromAcceptLanguage(header)).toBe(expected);
	});

	it('follows the q weights and skips tags it cannot format for', () => {
		expect(fromAcceptLanguage('en-US;q=0.5, fr-FR;q=0.9')).toBe('fr-FR');
		expect(fromAcceptLanguage('!!<script>, xx-YY, it;q=0.2')).toBe('it-IT');
	});

	it('falls back to en-US with no header or nothing usable', () => {
		expect(fromAcceptLanguage(null)).toBe('en-US');
		expect(fromAcceptLanguage('*')).toBe('en-US');
		expect(fromAcceptLanguage('xx-YY, ;q=1')).toBe('en-US');
	});
});
