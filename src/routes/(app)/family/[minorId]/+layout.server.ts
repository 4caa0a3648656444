import type { LayoutServerLoad } from './$types';
import { open } from '$lib/server/oversight/page';

// A guardian's read-only view of one minor: nothing under this layout has a form action.
export const load = (async ({ locals, params }) => {
	const { minor, actor } = await open(locals, params.minorId);
	return { minor, isGuardian: actor.family?.role === 'guardian' };
}) satisfies LayoutServerLoad;
