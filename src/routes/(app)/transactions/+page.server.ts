import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as cursor from '$lib/server/reports/cursor';
import * as history from '$lib/server/reports/history';

const PAGE_SIZE = 50;

export const load = (async ({ locals, url }) => {
	const before = cursor.parse(url.searchParams.get('before'));
	const { rows, next } = await history.page(appDatabase().db, locals.user!.id, {
		limit: PAGE_SIZE,
		before
	});
	return {
		rows,
		next: next ? cursor.format(next) : null,
		isFirstPage: before === null
	};
}) satisfies PageServerLoad;
