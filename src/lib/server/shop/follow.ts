import { fail, type RequestEvent } from '@sveltejs/kit';
import { invalid, readForm, unreadable } from '../forms';
import * as checkout from './checkout';

/**
 * The form action of a page where a purchase can wait for a guardian (the shop, a live page):
 * the purchase's outcome now, asked by the page when it is told live or by a person's click.
 */
export async function followAction(event: RequestEvent) {
	const form = await readForm(event.request, ['authorizationId']);
	if (!form) return unreadable();
	const parsed = checkout.followForm.safeParse(form);
	if (!parsed.success) return invalid(parsed.error, {});
	const result = await checkout.follow(
		checkout.inRequest(event),
		event.locals.user!,
		parsed.data.authorizationId
	);
	if ('message' in result) return fail(404, { message: result.message });
	return { outcome: result };
}
