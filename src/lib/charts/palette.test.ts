import { describe, expect, it } from 'vitest';
import {
	contrast,
	deltaE2000,
	lab,
	simulate,
	type Deficiency
} from '../../../tests/support/colour';
import { themeColours } from '../../../tests/support/theme';
import { OKABE_ITO, SCHEMES, SERIES } from './palette';

const themes = themeColours();
const DEFICIENCIES: Deficiency[] = ['protanopia', 'deuteranopia', 'tritanopia'];

// How far apart series must look, in CIEDE2000 (about 2.3 is the smallest difference people
// notice side by side on a large patch). Any two series of a chart must be told apart from the
// legend's swatches, so every pair differs by 15 or more; neighbours in a stack or a doughnut
// touch, so they also differ by 10 or more as each kind of dichromat sees them (simulated with
// Machado et al. 2009). The published Okabe–Ito palette meets both (21 and 14 at its closest).
const ANY_PAIR = 15;
const NEIGHBOURS_CVD = 10;

/** Lightness, chroma and hue (degrees) in CIE LCh. */
function lch(colour: string): [number, number, number] {
	const [l, a, b] = lab(colour);
	return [l, Math.hypot(a, b), ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360];
}

describe.each(SCHEMES)('series colours in the %s theme', (scheme) => {
	const colours = SERIES[scheme];
	const card = themes[scheme]['--surface']!;

	it('keeps Okabe and Ito’s hues in their order', () => {
		expect(colours).toHaveLength(OKABE_ITO.length);
		colours.forEach((c, i) => {
			const [, chroma, hue] = lch(c);
			const [, publishedChroma, publishedHue] = lch(OKABE_ITO[i]!);
			if (publishedChroma < 1) expect(chroma, c).toBeLessThan(1);
			else expect(Math.abs(hue - publishedHue), c).toBeLessThan(1);
		});
	});

	it.each(colours.map((c, i) => [i, c]))('series %i (%s) stands out 3:1 from the card', (_, c) => {
		expect(contrast(c, card)).toBeGreaterThanOrEqual(3);
	});

	it('tells every two series apart', () => {
		for (let i = 0; i < colours.length; i++) {
			for (let j = i + 1; j < colours.length; j++) {
				const d = deltaE2000(colours[i]!, colours[j]!);
				expect(d, `${colours[i]} and ${colours[j]}`).toBeGreaterThanOrEqual(ANY_PAIR);
			}
		}
	});

	it.each(DEFICIENCIES)('tells neighbouring series apart with %s', (deficiency) => {
		// The doughnut closes its ring: the last slice touches the first.
		colours.forEach((c, i) => {
			const next = colours[(i + 1) % colours.length]!;
			const d = deltaE2000(simulate(c, deficiency), simulate(next, deficiency));
			expect(d, `${c} and ${next}`).toBeGreaterThanOrEqual(NEIGHBOURS_CVD);
		});
	});
});

describe('the dark theme', () => {
	it('shows the palette as published', () => {
		expect(SERIES.dark).toEqual(OKABE_ITO);
	});
});
