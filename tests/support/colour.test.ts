import { describe, expect, it } from 'vitest';
import { contrast, deltaE2000, deltaE2000Lab, lab, luminance, parseHex, simulate } from './colour';

type Lab = [number, number, number];

// The arithmetic the theme and palette tests rest on, against published figures.
describe('colour', () => {
	it('reads hex colours', () => {
		expect(parseHex('#fff')).toEqual([255, 255, 255]);
		expect(parseHex('#0072B2')).toEqual([0, 114, 178]);
		expect(() => parseHex('white')).toThrow(/not a hex colour/);
	});

	it('computes WCAG contrast', () => {
		expect(luminance('#ffffff')).toBeCloseTo(1, 6);
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 6);
		expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 6);
		// WebAIM's checker: #767676 on white is 4.54:1, the lightest grey that passes AA.
		expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
		expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
	});

	it('converts to CIE Lab', () => {
		const [l, a, b] = lab('#ff0000');
		expect(l).toBeCloseTo(53.24, 1);
		expect(a).toBeCloseTo(80.09, 1);
		expect(b).toBeCloseTo(67.2, 1);
	});

	it('measures CIEDE2000 as Sharma, Wu and Dalal’s test data do', () => {
		// Pairs 1, 7, 17 and 25 of the paper's table.
		const pairs: [Lab, Lab, number][] = [
			[[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
			[[50, 0, 0], [50, -1, 2], 2.3669],
			[[50, 2.5, 0], [73, 25, -18], 27.1492],
			[[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644]
		];
		for (const [one, two, expected] of pairs) {
			expect(deltaE2000Lab(one, two)).toBeCloseTo(expected, 4);
			expect(deltaE2000Lab(two, one)).toBeCloseTo(expected, 4);
		}
		expect(deltaE2000('#ffffff', '#000000')).toBeCloseTo(100, 3);
	});

	it('simulates dichromacy', () => {
		// Greys look the same to everyone; red and green, far apart, come close for a deuteranope.
		expect(simulate('#808080', 'deuteranopia').map(Math.round)).toEqual([128, 128, 128]);
		const red = '#d55e00';
		const green = '#009e73';
		expect(deltaE2000(simulate(red, 'deuteranopia'), simulate(green, 'deuteranopia'))).toBeLessThan(
			deltaE2000(red, green) / 2
		);
	});
});
