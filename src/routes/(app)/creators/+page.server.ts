import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as creatorsPage from '$lib/server/reports/creators-page';

export const load = (async ({ locals, url }) => {
	const user = locals.user!;
	const { db } = appDatabase();
	const { period, problem } = creatorsPage.periodFrom(url.searchParams, user.timeZone, Date.now());
	const [report, directory] = await Promise.all([
		creatorsPage.load(db, user.id, period),
		creatorsPage.directory(db, url.searchParams)
	]);
	return {
		period: { ...period, last: creatorsPage.lastDay(period) },
		problem,
		...report,
		directory
	};
}) satisfies PageServerLoad;
