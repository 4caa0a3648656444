import { describe, expect, it } from 'vitest';
import { firstError, signUp } from './account';
import { canonicalLocale, locale, localeChoices, localeLabel, OFFERED_LOCALES } from './locale';

function messageFor(value: unknown): string | undefined {
	const result = locale.safeParse(value);
	return result.success ? undefined : result.error.issues[0]?.message;
}

describe('locale schema', () => {
	it.each([
		['de-DE', 'de-DE'],
		['DE-de', 'de-DE'],
		[' en-gb ', 'en-GB'],
		['fr-CA', 'fr-CA'],
		['zh-hant-tw', 'zh-Hant-TW'],
		['es-419', 'es-419'],
		['ja', 'ja']
	])('canonicalises %j to %s', (given, canonical) => {
		expect(locale.parse(given)).toBe(canonical);
	});

	it.each([
		['xx-YY', 'Language and number format "xx-YY" is not one we can format numbers for'],
		['de-XX', 'Language and number format "de-XX" is not one we can format numbers for'],
		['en_US', 'Language and number format "en_US" is not one we can format numbers for'],
		['<script>', 'Language and number format "<script>" is not one we can format numbers for'],
		['en-US-u-nu-arab', 'is not one we can format numbers for'],
		['', 'Language and number format "" is not one we can format numbers for'],
		[
			'en-' + 'x'.repeat(40),
			'Language and number format must be a language tag such as en-US or de-DE (35 characters at most).'
		],
		[42, 'Language and number format must be a language tag such as en-US or de-DE.']
	])('refuses %j with a message naming the field', (given, message) => {
		expect(messageFor(given)).toContain(message);
	});

	it('offers only locales the schema accepts, each named in its own language with a sample', () => {
		for (const tag of OFFERED_LOCALES) expect(canonicalLocale(tag)).toBe(tag);
		expect(localeLabel('de-DE')).toBe('Deutsch (Deutschland) · 1.234.567,89 · 31.12.26');
		expect(localeLabel('en-US')).toBe('English (United States) · 1,234,567.89 · 12/31/26');
		expect(localeLabel('en-GB')).toBe('English (United Kingdom) · 1,234,567.89 · 31/12/2026');
	});

	it('adds a detected locale that is not offered to the front of the choices, once', () => {
		expect(localeChoices('de-CH')[0]).toEqual({ value: 'de-CH', label: localeLabel('de-CH') });
		expect(localeChoices('de-DE').filter((c) => c.value === 'de-DE')).toHaveLength(1);
		expect(localeChoices('de-DE')).toHaveLength(OFFERED_LOCALES.length);
	});

	it('is part of sign-up: en-US when not given, and the error names its field', () => {
		const base = {
			email: 'ada@example.com',
			displayName: 'Ada',
			password: 'correct horse battery staple'
		};
		expect(signUp.parse(base).locale).toBe('en-US');
		expect(signUp.parse({ ...base, locale: 'pt-br' }).locale).toBe('pt-BR');
		const failed = signUp.safeParse({ ...base, locale: 'klingon' });
		expect(failed.success).toBe(false);
		expect(firstError(failed.error!).field).toBe('locale');
	});
});
