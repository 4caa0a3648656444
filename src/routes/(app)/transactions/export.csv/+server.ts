import type { RequestHandler } from './$types';
import { appDatabase } from '$lib/server/app';
import { parseFilters } from '$lib/schemas/history';
import * as csv from '$lib/server/reports/csv';

// GET /transactions/export.csv with the page's query string: the same rows, streamed.
export const GET: RequestHandler = ({ locals, url }) => {
	const user = locals.user!;
	const parsed = parseFilters(url.searchParams);
	if (!parsed.ok) {
		return new Response(`${parsed.message}\n`, {
			status: 400,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	const day = new Date().toISOString().slice(0, 10);
	const body = csv.stream(appDatabase().db, user.id, {
		filters: parsed.filters,
		timeZone: user.timeZone
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="coinguard-transactions-${day}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
