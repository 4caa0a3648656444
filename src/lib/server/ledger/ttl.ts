function seconds(name: string, fallback: number): number {
	const value = Number(process.env[name]);
	return (Number.isFinite(value) && value > 0 ? value : fallback) * 1000;
}

/** How long an approved hold waits for its capture (`HOLD_TTL_SECONDS`, default 15 minutes). */
export function holdTtl(): number {
	return seconds('HOLD_TTL_SECONDS', 900);
}

/**
 * How long a new request waits for a guardian, as app stores' request-to-buy: the family's
 * own wait when it set one, else `APPROVAL_TTL_SECONDS` (default 24 hours).
 */
export function approvalTtl(familySeconds: number | null = null): number {
	return familySeconds !== null && familySeconds > 0
		? familySeconds * 1000
		: seconds('APPROVAL_TTL_SECONDS', 86_400);
}

/** The default wait, in milliseconds, for tests and for pages that say what "default" means. */
export const APPROVAL_TTL = 24 * 60 * 60_000;
