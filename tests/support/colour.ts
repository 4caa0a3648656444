// Colour arithmetic for checking the themes: WCAG 2 contrast, and how far apart two colours look
// (CIEDE2000, optionally as a reader with a colour-vision deficiency sees them).

export type Rgb = readonly [number, number, number];

/** `#rgb` or `#rrggbb` into 0–255 channels. */
export function parseHex(hex: string): Rgb {
	const digits = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim())?.[1];
	if (!digits) throw new Error(`not a hex colour: ${hex}`);
	const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
	return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as unknown as Rgb;
}

export function toHex([r, g, b]: Rgb): string {
	return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** An sRGB channel (0–255) in linear light (0–1). */
function linear(channel: number): number {
	const c = channel / 255;
	return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function encode(light: number): number {
	const c = Math.min(1, Math.max(0, light));
	return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
}

/** WCAG 2 relative luminance. */
export function luminance(colour: string | Rgb): number {
	const [r, g, b] = (typeof colour === 'string' ? parseHex(colour) : colour).map(linear);
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrast(a: string | Rgb, b: string | Rgb): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi! + 0.05) / (lo! + 0.05);
}

/** CIE L*a*b* (D65) of an sRGB colour. */
export function lab(colour: string | Rgb): [number, number, number] {
	const [r, g, b] = (typeof colour === 'string' ? parseHex(colour) : colour).map(linear) as [
		number,
		number,
		number
	];
	const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
	const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
	const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
	const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116);
	return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIEDE2000 colour difference (Sharma, Wu and Dalal 2005). About 2 is just noticeable. */
export function deltaE2000(one: string | Rgb, two: string | Rgb): number {
	return deltaE2000Lab(lab(one), lab(two));
}

export function deltaE2000Lab(
	[l1, a1, b1]: readonly [number, number, number],
	[l2, a2, b2]: readonly [number, number, number]
): number {
	const rad = Math.PI / 180;
	const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
	const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
	const a1p = (1 + g) * a1;
	const a2p = (1 + g) * a2;
	const c1p = Math.hypot(a1p, b1);
	const c2p = Math.hypot(a2p, b2);
	const hue = (b: number, a: number) => {
		if (a === 0 && b === 0) return 0;
		const h = Math.atan2(b, a) / rad;
		return h < 0 ? h + 360 : h;
	};
	const h1p = hue(b1, a1p);
	const h2p = hue(b2, a2p);
	const dLp = l2 - l1;
	const dCp = c2p - c1p;
	let dhp = 0;
	if (c1p * c2p !== 0) {
		dhp = h2p - h1p;
		if (dhp > 180) dhp -= 360;
		else if (dhp < -180) dhp += 360;
	}
	const dHp = 2 * Math.sqrt(c1p * c2p) * Math.sin((dhp / 2) * rad);
	const lBarP = (l1 + l2) / 2;
	const cBarP = (c1p + c2p) / 2;
	let hBarP = h1p + h2p;
	if (c1p * c2p !== 0) {
		if (Math.abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2;
		else hBarP = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
	}
	const t =
		1 -
		0.17 * Math.cos((hBarP - 30) * rad) +
		0.24 * Math.cos(2 * hBarP * rad) +
		0.32 * Math.cos((3 * hBarP + 6) * rad) -
		0.2 * Math.cos((4 * hBarP - 63) * rad);
	const dTheta = 30 * Math.exp(-(((hBarP - 275) / 25) ** 2));
	const rc = 2 * Math.sqrt(cBarP ** 7 / (cBarP ** 7 + 25 ** 7));
	const sl = 1 + (0.015 * (lBarP - 50) ** 2) / Math.sqrt(20 + (lBarP - 50) ** 2);
	const sc = 1 + 0.045 * cBarP;
	const sh = 1 + 0.015 * cBarP * t;
	const rt = -Math.sin(2 * dTheta * rad) * rc;
	return Math.sqrt(
		(dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh)
	);
}

export type Deficiency = 'protanopia' | 'deuteranopia' | 'tritanopia';

// Machado, Oliveira and Fernandes (2009), severity 1.0: linear-light RGB matrices simulating
// each dichromacy.
const MACHADO: Record<Deficiency, readonly number[]> = {
	protanopia: [
		0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998
	],
	deuteranopia: [
		0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881
	],
	tritanopia: [
		1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039
	]
};

/** The colour as a reader with the given dichromacy sees it. */
export function simulate(colour: string | Rgb, deficiency: Deficiency): Rgb {
	const [r, g, b] = (typeof colour === 'string' ? parseHex(colour) : colour).map(linear) as [
		number,
		number,
		number
	];
	const m = MACHADO[deficiency];
	return [
		encode(m[0]! * r + m[1]! * g + m[2]! * b),
		encode(m[3]! * r + m[4]! * g + m[5]! * b),
		encode(m[6]! * r + m[7]! * g + m[8]! * b)
	];
}
