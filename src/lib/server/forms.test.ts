import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { localPath, sectionInvalid } from './forms';

describe('sectionInvalid', () => {
	it('answers 400 with the section, the first problem and the fields as typed', () => {
		const name = z.string().trim().min(1, { error: 'Give the key a name.' });
		const parsed = name.safeParse('   ');
		expect(parsed.success).toBe(false);
		const failure = sectionInvalid('apiKeys', parsed.error!, { name: '   ' });
		expect(failure.status).toBe(400);
		expect(failure.data).toEqual({
			section: 'apiKeys',
			message: 'Give the key a name.',
			values: { name: '   ' }
		});
	});
});

describe('localPath', () => {
	it.each([
		['/settings', '/settings'],
		['/transactions?before=1_x', '/transactions?before=1_x'],
		['/budgets#add', '/budgets#add'],
		['/a/../settings', '/settings'],
		['/shop?q=%2F%2Fevil.example', '/shop?q=%2F%2Fevil.example']
	])('keeps the same-site path %s as %s', (input, expected) => {
		expect(localPath(input)).toBe(expected);
	});

	it.each(
		[
			'https://evil.example',
			'http://evil.example/x',
			'//evil.example',
			'///evil.example',
			'/\\evil.example',
			'\\\\evil.example',
			'\\/evil.example',
			'/\t/evil.example/phish',
			'/\n/evil.example',
			'/\r\n/evil.example',
			'\t//evil.example',
			' //evil.example',
			'/.//evil.example',
			'/./\\evil.example',
			'https:evil.example',
			'https:/evil.example',
			'javascript:alert(1)',
			'JaVaScRiPt:alert(1)',
			'data:text/html,<script>alert(1)</script>',
			'ftp://evil.example',
			'//evil.example@coinguard.example',
			`/${'a'.repeat(5000)}`,
			'',
			null,
			undefined
		].map((input) => [JSON.stringify(input)?.slice(0, 40) ?? 'undefined', input] as const)
	)('sends %s home', (_label, input) => {
		expect(localPath(input)).toBe('/');
	});

	it('never returns anything a browser would read as another host', () => {
		for (const input of [
			'/%09/evil.example',
			'/%5C/evil.example',
			'/%2F/evil.example',
			'/\u0000/evil.example'
		]) {
			const path = localPath(input);
			expect(path.startsWith('/'), input).toBe(true);
			expect(/^\/[\\/]/.test(path), input).toBe(false);
			expect(new URL(path, 'https://coinguard.example').host, input).toBe('coinguard.example');
		}
	});
});
