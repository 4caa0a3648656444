// Okabe & Ito's palette: told apart by people with each kind of colour blindness. Series also
// get a pattern (patterns.ts) and charts label their data directly, so no reading depends on
// colour alone.
//
// A series must stand out from the card it is drawn on by at least 3:1 (WCAG 1.4.11). On the
// dark card (--surface #161b22) the published colours all do, the blue least:
//   blue 3.34, orange 7.68, bluish green 5.06, reddish purple 5.65, sky blue 7.50,
//   vermillion 4.47, yellow 13.08, grey 6.07.
// On the white card half of them do not (orange 2.25, sky blue 2.31, yellow 1.32, grey 2.85), so
// the light theme darkens those at the same CIE LCh hue until they do, and darkens reddish
// purple and vermillion further so that, next to their neighbours, they still differ for
// readers with protanopia and deuteranopia (palette.test.ts holds the measures):
//   blue 5.19, orange 3.12, bluish green 3.42, reddish purple 4.00, sky blue 3.12,
//   vermillion 5.20, yellow 3.13, grey 3.11.

export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** The palette as published, in its order; the dark theme's series colours. */
export const OKABE_ITO = [
	'#0072B2', // blue
	'#E69F00', // orange
	'#009E73', // bluish green
	'#CC79A7', // reddish purple
	'#56B4E9', // sky blue
	'#D55E00', // vermillion
	'#F0E442', // yellow
	'#999999' // grey: "other creators"
] as const;

/** The same hues in the same order, dark enough for a white card. */
export const OKABE_ITO_ON_LIGHT = [
	'#0072B2', // blue
	'#C38601', // orange
	'#009E73', // bluish green
	'#B66492', // reddish purple
	'#359BCF', // sky blue
	'#B44E00', // vermillion
	'#9C9500', // yellow
	'#929292' // grey: "other creators"
] as const;

export const SERIES: Record<Scheme, readonly string[]> = {
	light: OKABE_ITO_ON_LIGHT,
	dark: OKABE_ITO
};

export function colourAt(index: number, scheme: Scheme): string {
	const colours = SERIES[scheme];
	return colours[index % colours.length]!;
}
