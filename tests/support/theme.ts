import { readFileSync } from 'node:fs';
import type { Scheme } from '../../src/lib/charts/palette';

const APP_CSS = new URL('../../src/app.css', import.meta.url);

/** The custom properties declared directly in a `:root { … }` block of `css`. */
function rootVariables(css: string): Record<string, string> {
	const block = /:root\s*\{([^}]*)\}/.exec(css)?.[1];
	if (block === undefined) throw new Error('no :root block');
	const found: Record<string, string> = {};
	for (const [, name, value] of block
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) {
		found[name!] = value!.trim();
	}
	return found;
}

/**
 * The colours of each theme as app.css declares them: the light one in `:root`, the dark one
 * that with the `prefers-color-scheme: dark` block's overrides.
 */
export function themeColours(
	css = readFileSync(APP_CSS, 'utf8')
): Record<Scheme, Record<string, string>> {
	const darkAt = css.search(/@media\s*\(prefers-color-scheme:\s*dark\)\s*\{/);
	if (darkAt < 0) throw new Error('app.css has no dark theme');
	const light = rootVariables(css.slice(0, darkAt));
	const dark = { ...light, ...rootVariables(css.slice(darkAt)) };
	return { light, dark };
}
