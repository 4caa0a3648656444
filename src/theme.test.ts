import { describe, expect, it } from 'vitest';
import { contrast } from '../tests/support/colour';
import { themeColours } from '../tests/support/theme';
import { SCHEMES } from '$lib/charts/palette';

const themes = themeColours();

// WCAG AA: text 4.5:1; input borders, the focus ring and bars (non-text, 1.4.11) 3:1.
const TEXT = 4.5;
const PART = 3;

// [foreground, background, minimum, where the pair meets]
const PAIRS: [string, string, number, string][] = [
	['--ink', '--page', TEXT, 'body text'],
	['--ink', '--surface', TEXT, 'text on cards, chart axes and legends'],
	['--muted', '--surface', TEXT, 'hints and table headings on cards'],
	['--muted', '--page', TEXT, 'hints beside cards'],
	['--brand', '--page', TEXT, 'links'],
	['--brand', '--surface', TEXT, 'links, secondary buttons and budget bars on cards'],
	['--brand-ink', '--brand', TEXT, 'buttons'],
	['--header-ink', '--header-bg', TEXT, 'the brand bar and its current tab'],
	['--header-muted', '--header-bg', TEXT, 'the other tabs'],
	['--accent', '--header-bg', PART, 'focus ring and current-tab mark in the brand bar'],
	['--accent-ink', '--accent', TEXT, 'the unread count on the bell'],
	['--focus', '--page', PART, 'focus ring'],
	['--focus', '--surface', PART, 'focus ring on cards'],
	['--field-border', '--surface', PART, 'input borders on cards'],
	['--field-border', '--page', PART, 'input borders'],
	['--field-border', '--field-bg', PART, 'input borders against their own fill'],
	['--ink', '--field-bg', TEXT, 'what is typed'],
	['--ink', '--selected-bg', TEXT, 'a chosen coin pack'],
	['--bad', '--bad-bg', TEXT, 'error notices'],
	['--bad', '--surface', TEXT, 'declined purchases, warnings, full budget bars'],
	['--good', '--good-bg', TEXT, 'success notices'],
	['--good', '--surface', TEXT, 'credited amounts'],
	['--info', '--info-bg', TEXT, 'waiting notices'],
	['--ink', '--info-bg', TEXT, 'news on the Approvals page'],
	['--warn', '--warn-bg', TEXT, 'over-budget notice'],
	['--caution', '--surface', PART, 'budget bar nearly full'],
	['--tooltip-ink', '--tooltip-bg', TEXT, 'chart tooltips']
];

describe.each(SCHEMES)('the %s theme', (scheme) => {
	const colours = themes[scheme];

	it.each(PAIRS)('%s on %s reaches %s:1 (%s)', (fore, back, minimum) => {
		expect(colours[fore], fore).toMatch(/^#[0-9a-f]{6}$/i);
		expect(colours[back], back).toMatch(/^#[0-9a-f]{6}$/i);
		expect(contrast(colours[fore]!, colours[back]!)).toBeGreaterThanOrEqual(minimum);
	});
});

describe('the dark theme', () => {
	it('is dark: light text on a dark page', () => {
		expect(contrast(themes.dark['--page']!, '#000000')).toBeLessThan(1.5);
		expect(contrast(themes.dark['--ink']!, '#ffffff')).toBeLessThan(1.5);
	});

	it('sets every colour the light theme sets, save those both share', () => {
		const shared = ['--accent', '--accent-ink', '--coin', '--coin-edge'];
		const colourNames = Object.keys(themes.light).filter((name) => /^#/.test(themes.light[name]!));
		for (const name of colourNames) {
			if (shared.includes(name)) continue;
			expect(themes.dark[name], name).not.toBe(themes.light[name]);
		}
	});
});
