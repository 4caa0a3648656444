import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as accounts from '$lib/server/accounts';
import * as sessions from '$lib/server/auth/sessions';
import * as throttle from '$lib/server/auth/throttle';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { clientIp, invalid, localPath, readForm, unreadable } from '$lib/server/forms';
import { logIn } from '$lib/schemas/account';

export const load = (({ locals, url }) => {
	const redirectTo = localPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const form = await readForm(event.request, ['email', 'password', 'redirectTo']);
		if (!form) return unreadable();
		const parsed = logIn.safeParse(form);
		if (!parsed.success) return invalid(parsed.error, { email: form.email ?? '' });

		const { db } = appDatabase();
		const ip = clientIp(event);
		const result = await accounts.logIn(db, parsed.data.email, parsed.data.password, ip);
		if (!result.ok) {
			const values = { email: parsed.data.email };
			if (result.reason === 'throttled') {
				return fail(429, { message: throttle.tooManyAttempts(result.retryAfterMinutes), values });
			}
			return fail(400, { message: 'Wrong e-mail or password.', values });
		}
		const device = { userAgent: event.request.headers.get('user-agent'), ip };
		const { token, session } = await sessions.create(db, result.account.id, device);
		setSessionCookie(event, token, session.expiresAt);
		redirect(303, localPath(form.redirectTo));
	}
} satisfies Actions;
