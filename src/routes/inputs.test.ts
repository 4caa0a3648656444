import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A field a person types into takes its first value from `defaultValue`, never `value`: when
// the page's scripts hydrate it, `value` puts back what the server rendered and throws away
// what was typed before they ran (a log-in then goes out with no e-mail, and the browser
// refuses it without a word). tests/e2e/hydration.e2e.test.ts shows it in Chromium; this
// keeps every form in the app to the rule.

const ROOT = join(import.meta.dirname, '..');
const TAG = /<(input|textarea)\b(?:[^<>"'{}]|"[^"]*"|'[^']*'|\{(?:[^{}]|\{[^{}]*\})*\})*?\/?>/gs;
const NOT_TYPED = /type="(hidden|radio|checkbox|submit|button)"|\breadonly\b/;

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return svelteFiles(path);
		return entry.name.endsWith('.svelte') ? [path] : [];
	});
}

describe('form fields', () => {
	it('take what the server rendered as their default, so typing before hydration is kept', () => {
		const offenders: string[] = [];
		for (const file of svelteFiles(ROOT)) {
			for (const [tag] of readFileSync(file, 'utf8').matchAll(TAG)) {
				if (!NOT_TYPED.test(tag) && /(?<![\w:])value=\{/.test(tag)) {
					offenders.push(
						`${file.slice(ROOT.length + 1)}: ${tag.replace(/\s+/g, ' ').slice(0, 80)}`
					);
				}
			}
		}
		expect(offenders).toEqual([]);
	});
});
