import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as endings from '$lib/server/auth/endings';
import { clearSessionCookie } from '$lib/server/auth/cookie';

export const load = (() => redirect(303, '/')) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { session, user } = event.locals;
		if (session && user) {
			await endings.logOut(appDatabase().db, { id: session.id, accountId: user.id });
		}
		clearSessionCookie(event);
		redirect(303, '/login');
	}
} satisfies Actions;
