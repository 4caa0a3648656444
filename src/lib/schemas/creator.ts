import { z } from 'zod';

// A creator is named by an id (`cr_…`, or whatever id the purchase flow uses) or, with a
// leading `@`, by a handle. Handles and handle-like ids are case-insensitive, so that
// `@LunaBeats`, `lunabeats ` and `LUNABEATS` are one creator: each new spelling would
// otherwise be a new creator, with its own row and out of reach of a per-creator limit.

const HANDLE_LIKE = /^@?[A-Za-z0-9._-]+$/;

/** Trimmed, and case-folded when it looks like a handle; a leading `@` is kept (it means a handle). */
export function normalizeCreatorId(spelling: string): string {
	const trimmed = spelling.trim();
	return HANDLE_LIKE.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/** Whether a normalized spelling names a creator by handle (`@name`). */
export function isHandle(spelling: string): boolean {
	return spelling.startsWith('@');
}

/** The spelling without its `@`: the handle, or the id. */
export function bare(spelling: string): string {
	return isHandle(spelling) ? spelling.slice(1) : spelling;
}

/** Whether the spelling was case-folded, so that stored ids and handles match it folded too. */
export function isFolded(spelling: string): boolean {
	return HANDLE_LIKE.test(spelling);
}

export const creatorId = z
	.string({ error: 'creatorId must be a string.' })
	.max(255, { error: 'creatorId must be at most 255 characters.' })
	.transform(normalizeCreatorId)
	.refine((id) => bare(id) !== '', { error: 'creatorId must not be empty.' });
