import type { PageServerLoad } from './$types';
import * as creatorsPage from '$lib/server/reports/creators-page';
import { open } from '$lib/server/oversight/page';

export const load = (async ({ locals, params, url }) => {
	const { db, minor } = await open(locals, params.minorId);
	const { period, problem } = creatorsPage.periodFrom(url.searchParams, minor.timeZone, Date.now());
	return {
		period: { ...period, last: creatorsPage.lastDay(period) },
		problem,
		...(await creatorsPage.load(db, minor.id, period))
	};
}) satisfies PageServerLoad;
