import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import * as creatorsPage from '$lib/server/reports/creators-page';
import { open } from '$lib/server/oversight/page';

export const load = (async ({ locals, params, url }) => {
	const { db, minor } = await open(locals, params.minorId);
	const page = await creatorsPage.detail(db, minor.id, params.creatorId, url.searchParams);
	if (!page) error(404, 'No such creator.');
	return page;
}) satisfies PageServerLoad;
