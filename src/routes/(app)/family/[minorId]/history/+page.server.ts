import type { PageServerLoad } from './$types';
import { open } from '$lib/server/oversight/page';
import * as view from '$lib/server/reports/view';

export const load = (async ({ locals, params, url }) => {
	const { db, minor } = await open(locals, params.minorId);
	return { view: await view.load(db, { id: minor.id, timeZone: minor.timeZone }, url) };
}) satisfies PageServerLoad;
