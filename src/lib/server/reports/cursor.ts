import { error } from '@sveltejs/kit';
import type { Cursor } from './history';

// The `before` parameter of a history page's "Older" link: `<occurredAt>_<id>`.

export function format(cursor: Cursor): string {
	return `${cursor.occurredAt}_${cursor.id}`;
}

/** The cursor in a page link; null on the first page, a 400 when the link was tampered with. */
export function parse(value: string | null): Cursor | null {
	if (!value) return null;
	const match = /^(\d{1,15})_([a-z]+_[a-z0-9_]{1,64})$/.exec(value);
	if (!match) error(400, 'That page link is broken. Start again from the first page.');
	return { occurredAt: Number(match[1]), id: match[2]! };
}
