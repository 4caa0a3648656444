import type { PageServerLoad } from './$types';
import * as oversight from '$lib/server/oversight';
import { open } from '$lib/server/oversight/page';

export const load = (async ({ locals, params }) => {
	const { db, actor, minor } = await open(locals, params.minorId);
	return { overview: await oversight.overview(db, actor, minor, locals.user!.locale) };
}) satisfies PageServerLoad;
