import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import * as creatorReports from '$lib/server/reports/creators';
import * as timeline from '$lib/server/reports/timeline';
import { open } from '$lib/server/oversight/page';

export const load = (async ({ locals, params, url }) => {
	const { db, minor } = await open(locals, params.minorId);
	const creator = await creatorReports.creator(db, params.creatorId);
	if (!creator) error(404, 'No such creator.');
	const position = timeline.positionFrom(url.searchParams);
	// The totals cover every gift; the timeline shows one page of them.
	const [totals, page] = await Promise.all([
		creatorReports.allTime(db, minor.id, creator.creatorId),
		timeline.page(db, minor.id, creator.creatorId, { position })
	]);
	return {
		creator,
		totals,
		timeline: { gifts: page.gifts, isFirstPage: position === null, ...timeline.links(page) }
	};
}) satisfies PageServerLoad;
