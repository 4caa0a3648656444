import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { appDatabase, runInBackground, startUp } from '$lib/server/app';
import * as sessions from '$lib/server/auth/sessions';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { declaredTooLarge, tooLarge } from '$lib/server/body-limit';

export const init: ServerInit = async () => {
	await startUp();
	runInBackground();
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const api = event.url.pathname.startsWith('/api/');
	if (event.request.method === 'POST' && declaredTooLarge(event.request)) return tooLarge(api);
	// The API authenticates by key, not cookie: skip the session lookup on its hot path.
	if (!api) {
		const token = event.cookies.get(sessions.COOKIE_NAME);
		if (token) {
			const result = await sessions.validate(appDatabase().db, token);
			if (result) {
				event.locals.user = result.user;
				event.locals.session = result.session;
				setSessionCookie(event, token, result.session.expiresAt);
			} else {
				clearSessionCookie(event);
			}
		}
	}
	const response = await resolve(event);
	response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
	if (!api) response.headers.set('x-frame-options', 'DENY');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404) return { message: 'Not found' };
	const errorId = crypto.randomUUID();
	console.error(`[${errorId}] ${event.request.method} ${event.url.pathname}`, error);
	return { message: 'Something went wrong on our side. Please try again.', errorId };
};
