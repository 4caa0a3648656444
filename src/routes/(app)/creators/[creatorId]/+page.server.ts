import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as creatorReports from '$lib/server/reports/creators';

// A page per creator id, not per handle (/live/[handle]): creators recorded as first seen by
// the purchase flow have no handle, and each must still have a page.
export const load = (async ({ locals, params }) => {
	const user = locals.user!;
	const { db } = appDatabase();
	const creator = await creatorReports.creator(db, params.creatorId);
	if (!creator) error(404, 'No such creator. Find them under Creators.');
	const [totals, timeline] = await Promise.all([
		creatorReports.allTime(db, user.id, creator.creatorId),
		creatorReports.timeline(db, user.id, creator.creatorId)
	]);
	return { creator, totals, timeline };
}) satisfies PageServerLoad;
