import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as history from '$lib/server/reports/history';

const PAGE_SIZE = 50;

function parseCursor(value: string | null): history.Cursor | null {
	if (!value) return null;
	const match = /^(\d{1,15})_([a-z]+_[a-z0-9]{1,64})$/.exec(value);
	if (!match) error(400, 'That page link is broken. Start again from the first page.');
	return { occurredAt: Number(match[1]), id: match[2]! };
}

export const load = (async ({ locals, url }) => {
	const before = parseCursor(url.searchParams.get('before'));
	const { rows, next } = await history.page(appDatabase().db, locals.user!.id, {
		limit: PAGE_SIZE,
		before
	});
	return {
		rows,
		next: next ? `${next.occurredAt}_${next.id}` : null,
		isFirstPage: before === null
	};
}) satisfies PageServerLoad;
