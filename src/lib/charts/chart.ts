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

/** The page's own text and line colours, so charts follow the theme (light or dark). */
function themed(): { ink: string; line: string } {
	const style = getComputedStyle(document.documentElement);
	return {
		ink: style.getPropertyValue('--ink').trim() || '#1b1f24',
		line: style.getPropertyValue('--line').trim() || '#d8dee4'
	};
}

/**
 * An attachment for a <canvas>: draws the chart that `config` makes, and destroys it when the
 * canvas leaves the page or the data changes. Axis ticks and tooltips write numbers in
 * `locale` (the reader's, as the tables under the charts do), not the browser's default.
 */
export function chart(locale: string, config: () => ChartConfiguration) {
	return (canvas: HTMLCanvasElement) => {
		const { ink, line } = themed();
		Chart.defaults.color = ink;
		Chart.defaults.borderColor = line;
		Chart.defaults.font.family = getComputedStyle(canvas).fontFamily;
		const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
		const made = new Chart(canvas, {
			...config(),
			options: { ...config().options, locale, animation: reduced ? false : undefined }
		} as ChartConfiguration);
		return () => made.destroy();
	};
}
