import { colourAt, type Scheme } from './palette';

// A fill per series: its colour with a pattern of its own drawn over it (stripes, dots,
// crosses…), so series stay apart in greyscale, for colour-blind readers and in print.

type Draw = (c: CanvasRenderingContext2D, size: number) => void;

const DRAWINGS: Draw[] = [
	() => {}, // plain
	(c, s) => {
		c.beginPath();
		c.moveTo(0, s);
		c.lineTo(s, 0);
		c.stroke();
	},
	(c, s) => {
		c.beginPath();
		c.arc(s / 2, s / 2, s / 6, 0, Math.PI * 2);
		c.fill();
	},
	(c, s) => {
		c.beginPath();
		c.moveTo(s / 2, 0);
		c.lineTo(s / 2, s);
		c.moveTo(0, s / 2);
		c.lineTo(s, s / 2);
		c.stroke();
	},
	(c, s) => {
		c.beginPath();
		c.moveTo(0, 0);
		c.lineTo(s, s);
		c.stroke();
	},
	(c, s) => {
		c.beginPath();
		c.moveTo(0, s / 2);
		c.lineTo(s, s / 2);
		c.stroke();
	},
	(c, s) => {
		c.beginPath();
		c.moveTo(0, 0);
		c.lineTo(s, s);
		c.moveTo(0, s);
		c.lineTo(s, 0);
		c.stroke();
	},
	(c, s) => {
		c.fillRect(s / 3, s / 3, s / 3, s / 3);
	}
];

/**
 * The fill of series `index` in the given theme: a canvas pattern in the browser, the plain
 * colour elsewhere. The marks are translucent black, a darker shade of the series colour
 * itself, so they read the same in either theme.
 */
export function fillAt(index: number, scheme: Scheme): string | CanvasPattern {
	const colour = colourAt(index, scheme);
	if (typeof document === 'undefined') return colour;
	const size = 10;
	const tile = document.createElement('canvas');
	tile.width = size;
	tile.height = size;
	const c = tile.getContext('2d');
	if (!c) return colour;
	c.fillStyle = colour;
	c.fillRect(0, 0, size, size);
	c.strokeStyle = 'rgba(0, 0, 0, 0.55)';
	c.fillStyle = 'rgba(0, 0, 0, 0.55)';
	c.lineWidth = 1.5;
	DRAWINGS[index % DRAWINGS.length]!(c, size);
	return c.createPattern(tile, 'repeat') ?? colour;
}
