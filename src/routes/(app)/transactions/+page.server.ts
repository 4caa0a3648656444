import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as view from '$lib/server/reports/view';

export const load = (async ({ locals, url }) => {
	const user = locals.user!;
	return {
		view: await view.load(appDatabase().db, { id: user.id, timeZone: user.timeZone }, url)
	};
}) satisfies PageServerLoad;
