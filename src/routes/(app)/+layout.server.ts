import type { LayoutServerLoad } from './$types';

// Signed-in routes are guarded in `handle` (src/lib/server/guard.ts): a user is always here.
export const load = (({ locals }) => ({ user: locals.user! })) satisfies LayoutServerLoad;
