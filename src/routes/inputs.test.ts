import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A field takes its first value from what the server rendered as its default, never from a
// current value: when the page's scripts hydrate it, `value` and `checked` put back what the
// server rendered and throw away what was typed, ticked or chosen before they ran (a log-in
// then goes out with no e-mail, and the browser refuses it without a word; a filter goes out as
// the one the page came with). So typed fields take `defaultValue`, checkboxes and radios
// `defaultChecked`, and a select names its choice with `defaultValue` (Svelte marks the
// matching option as the default, and leaves the selection alone). An option's `selected={…}`
// happens to be safe in Svelte 5.57 (it writes the attribute only), but one construct per kind
// of field is what this test can hold the forms to.
// tests/e2e/hydration.e2e.test.ts shows it in Chromium; this keeps every form in the app to
// the rule.

const ROOT = join(import.meta.dirname, '..');
const TAG =
	/<(input|textarea|select|option)\b(?:[^<>"'{}]|"[^"]*"|'[^']*'|\{(?:[^{}]|\{[^{}]*\})*\})*?\/?>/gs;
const NOT_TYPED = /type="(hidden|radio|checkbox|submit|button)"|\breadonly\b/;
const TICKED = /type="(radio|checkbox)"/;

/** What makes a tag undo, on hydration, what was done to its field before; null if nothing. */
function hydrationOffence(tag: string): string | null {
	const name = /^<(\w+)/.exec(tag)?.[1];
	const has = (attribute: string) =>
		new RegExp(`(?<![\\w:-])(${attribute}=|\\{${attribute}\\})`).test(tag);
	if (name === 'select' && has('value')) return 'a select takes defaultValue, not value';
	if (name === 'option' && has('selected'))
		return 'the select names its choice (defaultValue), not the option';
	if (name === 'input' && TICKED.test(tag) && has('checked'))
		return 'a box takes defaultChecked, not checked';
	if ((name === 'input' || name === 'textarea') && !NOT_TYPED.test(tag) && has('value')) {
		return 'a typed field takes defaultValue, not value';
	}
	return null;
}

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return svelteFiles(path);
		return entry.name.endsWith('.svelte') ? [path] : [];
	});
}

describe('form fields', () => {
	it('take what the server rendered as their default, so what was done before hydration is kept', () => {
		const offenders: string[] = [];
		for (const file of svelteFiles(ROOT)) {
			for (const [tag] of readFileSync(file, 'utf8').matchAll(TAG)) {
				const offence = hydrationOffence(tag);
				if (offence) {
					offenders.push(
						`${file.slice(ROOT.length + 1)}: ${offence}: ${tag.replace(/\s+/g, ' ').slice(0, 80)}`
					);
				}
			}
		}
		expect(offenders).toEqual([]);
	});

	it('tell the hydration-safe constructs from the others', () => {
		const cases: [string, boolean][] = [
			['<input name="q" value={q} />', true],
			['<input name="q" defaultValue={q} />', false],
			['<input name="q" bind:value={q} />', false],
			['<input type="hidden" name="id" value={id} />', false],
			['<textarea name="note" value={note}></textarea>', true],
			['<select name="kind" value={kind}>', true],
			['<select name="kind" {value}>', true],
			['<select name="kind" defaultValue={kind}>', false],
			['<select name="kind" bind:value={kind}>', false],
			['<option value="gift" selected={kind === \'gift\'}>', true],
			['<option value="gift">', false],
			['<option {value}>', false],
			['<input type="checkbox" name="on" checked={on} />', true],
			['<input type="checkbox" name="on" {checked} />', true],
			['<input type="radio" name="pick" value="a" checked={pick === \'a\'} />', true],
			['<input type="checkbox" name="on" defaultChecked={on} />', false],
			['<input type="checkbox" name="on" bind:checked={on} />', false],
			['<input type="checkbox" name="on" aria-checked={on} />', false]
		];
		for (const [tag, offends] of cases) {
			expect(hydrationOffence(tag) !== null, tag).toBe(offends);
		}
	});
});
