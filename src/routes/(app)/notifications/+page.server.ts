import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import * as access from '$lib/server/access';
import { appDatabase } from '$lib/server/app';
import { readForm, unreadable } from '$lib/server/forms';
import * as notify from '$lib/server/notify';

export const load = (async ({ locals, depends }) => {
	depends('app:notifications');
	return { notices: await notify.inbox.list(appDatabase().db, locals.user!.id) };
}) satisfies PageServerLoad;

export const actions = {
	read: async ({ request, locals }) => {
		const form = await readForm(request, ['id']);
		if (!form) return unreadable();
		const { db } = appDatabase();
		const actor = await access.userActor(db, locals.user!);
		try {
			await access.require(db, actor, 'notification.read', form.id!);
		} catch (error) {
			if (error instanceof access.NotFoundError) {
				return fail(404, { message: 'That notification was not found: nothing was changed.' });
			}
			throw error;
		}
		await notify.inbox.markRead(db, locals.user!.id, form.id!);
		return { done: 'Marked as read.' };
	},
	readAll: async ({ locals }) => {
		const marked = await notify.inbox.markAllRead(appDatabase().db, locals.user!.id);
		return {
			done:
				marked === 1 ? '1 notification marked as read.' : `${marked} notifications marked as read.`
		};
	}
} satisfies Actions;
