import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as creatorReports from '$lib/server/reports/creators';
import * as timeline from '$lib/server/reports/timeline';

// A page per creator id, not per handle (/live/[handle]): creators recorded as first seen by
// the purchase flow have no handle, and each must still have a page.
export const load = (async ({ locals, params, url }) => {
	const user = locals.user!;
	const { db } = appDatabase();
	const creator = await creatorReports.creator(db, params.creatorId);
	if (!creator) error(404, 'No such creator. Find them under Creators.');
	const position = timeline.positionFrom(url.searchParams);
	// The totals cover every gift; the timeline shows one page of them.
	const [totals, page] = await Promise.all([
		creatorReports.allTime(db, user.id, creator.creatorId),
		timeline.page(db, user.id, creator.creatorId, { position })
	]);
	return {
		creator,
		totals,
		timeline: { gifts: page.gifts, isFirstPage: position === null, ...timeline.links(page) }
	};
}) satisfies PageServerLoad;
