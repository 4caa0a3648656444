// The browser's languages, read on the server so that sign-up's defaults work without
// JavaScript; default-currency.ts and default-locale.ts each pick from them.

/** The languages of an Accept-Language header, best first; malformed entries are skipped. */
export function languages(header: string): string[] {
	return header
		.split(',')
		.slice(0, 20)
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
			return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
		})
		.filter((l) => l.tag && l.tag !== '*' && l.q > 0)
		.sort((a, b) => b.q - a.q || a.index - b.index)
		.map((l) => l.tag);
}
