import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import * as creatorReports from '$lib/server/reports/creators';
import { open } from '$lib/server/oversight/page';

export const load = (async ({ locals, params }) => {
	const { db, minor } = await open(locals, params.minorId);
	const creator = await creatorReports.creator(db, params.creatorId);
	if (!creator) error(404, 'No such creator.');
	const [totals, timeline] = await Promise.all([
		creatorReports.allTime(db, minor.id, creator.creatorId),
		creatorReports.timeline(db, minor.id, creator.creatorId)
	]);
	return { creator, totals, timeline };
}) satisfies PageServerLoad;
