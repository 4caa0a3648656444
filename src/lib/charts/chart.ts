import {
	ArcElement,
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	DoughnutController,
	Legend,
	LinearScale,
	Tooltip,
	type ChartConfiguration
} from 'chart.js';
import type { Scheme } from './palette';

// Only the pieces these charts use are registered, so the bundle leaves the rest of Chart.js out.
Chart.register(
	ArcElement,
	BarController,
	BarElement,
	CategoryScale,
	DoughnutController,
	Legend,
	LinearScale,
	Tooltip
);

const DARK = '(prefers-color-scheme: dark)';

/** The theme a chart is drawn in: the page's own colours (app.css), light or dark. */
export interface ChartTheme {
	scheme: Scheme;
	ink: string;
	line: string;
	surface: string;
	tooltip: string;
	tooltipInk: string;
}

function currentTheme(): ChartTheme {
	const style = getComputedStyle(document.documentElement);
	const read = (name: string) => style.getPropertyValue(name).trim();
	return {
		scheme: matchMedia(DARK).matches ? 'dark' : 'light',
		ink: read('--ink'),
		line: read('--line'),
		surface: read('--surface'),
		tooltip: read('--tooltip-bg'),
		tooltipInk: read('--tooltip-ink')
	};
}

function draw(
	canvas: HTMLCanvasElement,
	locale: string,
	config: (theme: ChartTheme) => ChartConfiguration
) {
	const theme = currentTheme();
	// Axis text, legends and grid lines take these; so do doughnut slice edges (a gap the colour
	// of the card) and tooltips.
	Chart.defaults.color = theme.ink;
	Chart.defaults.borderColor = theme.line;
	Chart.defaults.elements.arc.borderColor = theme.surface;
	Object.assign(Chart.defaults.plugins.tooltip, {
		backgroundColor: theme.tooltip,
		titleColor: theme.tooltipInk,
		bodyColor: theme.tooltipInk,
		footerColor: theme.tooltipInk,
		borderColor: theme.line,
		borderWidth: 1
	});
	Chart.defaults.font.family = getComputedStyle(canvas).fontFamily;
	const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
	const made = config(theme);
	return new Chart(canvas, {
		...made,
		options: { ...made.options, locale, animation: reduced ? false : undefined }
	} as ChartConfiguration);
}

/**
/**
 * An attachment for a <canvas>: draws the chart that `config` makes in the current theme, draws
 * it again when the system switches between light and dark, and destroys it when the canvas
 * leaves the page or the data changes. Axis ticks and tooltips write numbers in `locale` (the
 * reader's, as the tables under the charts do), not the browser's default.
 */
export function chart(locale: string, config: (theme: ChartTheme) => ChartConfiguration) {
	return (canvas: HTMLCanvasElement) => {
		let made = draw(canvas, locale, config);
		const scheme = matchMedia(DARK);
		const redraw = () => {
			made.destroy();
			made = draw(canvas, locale, config);
		};
		scheme.addEventListener('change', redraw);
		return () => {
			scheme.removeEventListener('change', redraw);
			made.destroy();
		};
	};
}
