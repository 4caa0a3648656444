import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import { invalid, readForm, unreadable } from '$lib/server/forms';
import * as checkout from '$lib/server/shop/checkout';
import { followAction } from '$lib/server/shop/follow';
import * as views from '$lib/server/shop/views';

export const load = (async ({ locals, params }) => {
	const page = await views.creator(appDatabase().db, locals.user!, params.handle, Date.now());
	if (!page) {
		error(404, `No creator goes by @${params.handle.slice(0, 60)}. Check the link and try again.`);
	}
	return page;
}) satisfies PageServerLoad;

export const actions = {
	send: async (event) => {
		const form = await readForm(event.request, ['idempotencyKey', 'giftId', 'confirmed']);
		if (!form) return unreadable();
		const parsed = checkout.giftForm.safeParse(form);
		if (!parsed.success) return invalid(parsed.error);
		const result = await checkout.sendGift(
			checkout.inRequest(event),
			event.locals.user!,
			event.params.handle,
			parsed.data
		);
		if ('message' in result) return fail(400, { message: result.message });
		if ('confirm' in result) return { confirm: result.confirm };
		return { outcome: result };
	},
	/** A gift that waited for a guardian: its outcome now (the page asks when told live). */
	follow: followAction
} satisfies Actions;
