import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as creatorsPage from '$lib/server/reports/creators-page';

// A page per creator id, not per handle (/live/[handle]): creators recorded as first seen by
// the purchase flow have no handle, and each must still have a page.
export const load = (async ({ locals, params, url }) => {
	const { db } = appDatabase();
	const page = await creatorsPage.detail(db, locals.user!.id, params.creatorId, url.searchParams);
	if (!page) error(404, 'No such creator. Find them under Creators.');
	return page;
}) satisfies PageServerLoad;
