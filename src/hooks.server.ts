import { error, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { appDatabase, runInBackground, startUpOrExit } from '$lib/server/app';
import * as unavailable from '$lib/server/db/unavailable';
import * as sessions from '$lib/server/auth/sessions';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { declaredLength, limitFor, readBounded, tooLarge } from '$lib/server/body-limit';
import { refuseCrossSiteForm, requireUser } from '$lib/server/guard';

export const init: ServerInit = async () => {
	await startUpOrExit();
	runInBackground();
};

const BEARER = /^Bearer\s/i;

const handleRequest: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const api = event.url.pathname.startsWith('/api/');
	const response = (await admit(event, api)) ?? (await resolve(event));
	response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
	if (!api) response.headers.set('x-frame-options', 'DENY');
	return response;
};

/** The checks before any route runs; a refusal to answer instead, or null to go on. */
async function admit(event: Parameters<Handle>[0]['event'], api: boolean) {
	const refused = refuseCrossSiteForm(event) ?? (await holdBodyToLimit(event, api));
	if (refused) return refused;
	// A call with an API key is the purchase flow's hot path: no session lookup for it.
	if (!(api && BEARER.test(event.request.headers.get('authorization') ?? ''))) {
		await readSession(event);
	}
	return requireUser(event);
}

async function readSession(event: Parameters<Handle>[0]['event']): Promise<void> {
	const token = event.cookies.get(sessions.COOKIE_NAME);
	if (!token) return;
	const result = await sessions.validate(appDatabase().db, token);
	if (result) {
		event.locals.user = result.user;
		event.locals.session = result.session;
		setSessionCookie(event, token, result.session.expiresAt);
	} else {
		clearSessionCookie(event);
	}
}

/**
 * Holds every request body to its limit (MAX_BODY_BYTES but for the import), pages and API alike. A declared length within it
 * passes untouched (adapter-node holds the body to it); a chunked body is read here, counted,
 * and handed on as a plain buffered request.
 */
async function holdBodyToLimit(
	event: Parameters<Handle>[0]['event'],
	api: boolean
): Promise<Response | null> {
	const { request } = event;
	if (!request.body) return null;
	const limit = limitFor(event.url.pathname);
	const declared = declaredLength(request);
	if (declared !== null && declared <= limit) return null;
	const read = await readBounded(request, event.platform?.req, limit);
	if (!read.ok) return tooLarge(api, !read.drained, limit);
	event.request = new Request(request.url, {
		method: request.method,
		headers: request.headers,
		body: read.body
	});
	return null;
}

/** Requests whose load or action failed for want of the database (marked in handleError). */
const metOutage = new WeakSet<App.Locals>();

/**
 * A request that fails for want of the database answers 503 with a plain sentence. handleError
 * renders the page of a failed load or action but cannot set its status: it marks the request,
 * and the 500 becomes a 503 here. A failure before the page (the session lookup) is answered
 * with SvelteKit's own error page.
 */
const databaseOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (cause) {
		if (!unavailable.isUnavailable(cause)) throw cause;
		console.error(unavailable.logLine(cause, `${event.request.method} ${event.url.pathname}`));
		error(503, unavailable.messageFor(cause));
	}
	if (response.status !== 500 || !metOutage.has(event.locals)) return response;
	return new Response(response.body, { status: 503, headers: response.headers });
};

export const handle = sequence(databaseOutage, handleRequest);

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404) return { message: 'Not found' };
	if (unavailable.isUnavailable(error)) {
		metOutage.add(event.locals);
		console.error(unavailable.logLine(error, `${event.request.method} ${event.url.pathname}`));
		return { message: unavailable.messageFor(error), unavailable: true };
	}
	const errorId = crypto.randomUUID();
	console.error(`[${errorId}] ${event.request.method} ${event.url.pathname}`, error);
	return { message: 'Something went wrong on our side. Please try again.', errorId };
};
