import type { PageServerLoad } from './$types';
import { open } from '$lib/server/oversight/page';
import * as cursor from '$lib/server/reports/cursor';
import * as history from '$lib/server/reports/history';

const PAGE_SIZE = 50;

export const load = (async ({ locals, params, url }) => {
	const { db, minor } = await open(locals, params.minorId);
	const before = cursor.parse(url.searchParams.get('before'));
	const { rows, next } = await history.page(db, minor.id, { limit: PAGE_SIZE, before });
	return { rows, next: next ? cursor.format(next) : null, isFirstPage: before === null };
}) satisfies PageServerLoad;
