import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as overview from '$lib/server/reports/overview';

export const load = (async ({ locals }) => {
	return overview.load(appDatabase().db, locals.user!, Date.now());
}) satisfies PageServerLoad;
