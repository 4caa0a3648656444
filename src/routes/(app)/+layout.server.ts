import type { LayoutServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as notify from '$lib/server/notify';

// Signed-in routes are guarded in `handle` (src/lib/server/guard.ts): a user is always here.
export const load = (async ({ locals, depends }) => {
	// The bell reloads on this key when a notice arrives or one is marked read.
	depends('app:notifications');
	const user = locals.user!;
	return { user, unread: await notify.inbox.unreadCount(appDatabase().db, user.id) };
}) satisfies LayoutServerLoad;
