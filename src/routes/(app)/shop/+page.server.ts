import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import { invalid, readForm, unreadable } from '$lib/server/forms';
import * as checkout from '$lib/server/shop/checkout';
import { followAction } from '$lib/server/shop/follow';
import * as views from '$lib/server/shop/views';

export const load = (({ locals }) =>
	views.shop(appDatabase().db, locals.user!)) satisfies PageServerLoad;

export const actions = {
	buy: async (event) => {
		const form = await readForm(event.request, [
			'idempotencyKey',
			'packId',
			'paymentMethod',
			'simulateFailure'
		]);
		if (!form) return unreadable();
		// Echoed back so that the choices survive a refusal without JavaScript.
		const values = { packId: form.packId!, paymentMethod: form.paymentMethod! };
		const parsed = checkout.buyForm.safeParse(form);
		if (!parsed.success) return invalid(parsed.error, values);
		const result = await checkout.buyPack(
			checkout.inRequest(event),
			event.locals.user!,
			parsed.data
		);
		if ('message' in result) return fail(400, { message: result.message, values });
		return { outcome: result };
	},
	/** A purchase that waited for a guardian: its outcome now (the page asks when told live). */
	follow: followAction
} satisfies Actions;
