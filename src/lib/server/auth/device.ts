// Enough of a user-agent reading to tell a person's devices apart ("Firefox on Android");
// a full parser library would be overkill for a label.
const browsers: [RegExp, string][] = [
	[/Edg\//, 'Edge'],
	[/OPR\//, 'Opera'],
	[/Firefox\//, 'Firefox'],
	[/HeadlessChrome\//, 'Headless Chrome'],
	[/Chrom(e|ium)\//, 'Chrome'],
	[/Safari\//, 'Safari'],
	[/curl\//, 'curl']
];
const systems: [RegExp, string][] = [
	[/Android/, 'Android'],
	[/iPhone|iPad|iOS/, 'iOS'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/CrOS/, 'ChromeOS'],
	[/Linux/, 'Linux']
];

export function describeDevice(userAgent: string | null): string {
	if (!userAgent) return 'Unknown device';
	const browser = browsers.find(([re]) => re.test(userAgent))?.[1];
	const system = systems.find(([re]) => re.test(userAgent))?.[1];
	if (browser && system) return `${browser} on ${system}`;
	return browser ?? system ?? 'Unknown device';
}
