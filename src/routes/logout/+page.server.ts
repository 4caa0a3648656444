import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as sessions from '$lib/server/auth/sessions';
import { clearSessionCookie } from '$lib/server/auth/cookie';

export const load = (() => redirect(303, '/')) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		if (event.locals.session) await sessions.destroy(appDatabase().db, event.locals.session.id);
		clearSessionCookie(event);
		redirect(303, '/login');
	}
} satisfies Actions;
