// Okabe & Ito's palette: told apart by people with each kind of colour blindness, and readable
// on light and dark backgrounds alike. Series also get a pattern (patterns.ts) and charts label
// their data directly, so no reading depends on colour alone.
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

export function colourAt(index: number): string {
	return OKABE_ITO[index % OKABE_ITO.length]!;
}
