import { redirect, type RequestEvent } from '@sveltejs/kit';

// Who may reach a route, decided in one place (the `handle` hook) before any load, action or
// endpoint runs: a page or action never meets a missing user.

/** Routes anyone may reach; every other route needs a signed-in user. */
const PUBLIC_ROUTES = [/^\/\(auth\)\//, /^\/logout$/, /^\/api\//];

export function needsUser(routeId: string | null): boolean {
	// No route: SvelteKit answers 404, which needs no user.
	return routeId !== null && !PUBLIC_ROUTES.some((pattern) => pattern.test(routeId));
}

function wantsPage(event: RequestEvent): boolean {
	return (
		event.isDataRequest ||
		event.request.headers.get('x-sveltekit-action') === 'true' ||
		(event.request.headers.get('accept') ?? '').includes('text/html')
	);
}

/**
 * Sends a visitor without a session to the log-in page (and back afterwards); a script that
 * asked for something other than a page gets a 401 it can read.
 */
export function requireUser(event: RequestEvent): Response | null {
	if (event.locals.user || !needsUser(event.route.id)) return null;
	if (wantsPage(event)) {
		// SvelteKit turns a redirect thrown here into the right answer for a page, a data
		// request or an enhanced form.
		const { pathname, search } = event.url;
		const target = event.request.method === 'GET' ? pathname + search : pathname;
		redirect(303, `/login?redirectTo=${encodeURIComponent(target)}`);
	}
	return Response.json({ message: 'Log in first.' }, { status: 401 });
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Whether a request comes from a page of this site, as the browser tells with `Origin`. */
export function isSameOrigin(request: Request, url: URL): boolean {
	return request.headers.get('origin') === url.origin;
}

/**
 * SvelteKit's own cross-site form check, moved here so that a refusal can say what to do:
 * usually the server was opened at an address other than the one `ORIGIN` names.
 */
export function refuseCrossSiteForm(event: RequestEvent): Response | null {
	const { request, url } = event;
	if (!UNSAFE_METHODS.has(request.method)) return null;
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (!FORM_TYPES.includes(type) || isSameOrigin(request, url)) return null;
	const from = request.headers.get('origin');
	const message = `Cross-site form submissions are forbidden: this form came from ${from ?? 'an unknown page'}, and this server is ${url.origin}.`;
	if (request.headers.get('accept') === 'application/json') {
		return Response.json({ message }, { status: 403 });
	}
	const hint =
		from && /^https?:\/\/[^/]+$/.test(from)
			? `<p>If you opened Coinguard at <code>${escapeHtml(from)}</code>, either open it at <a href="${escapeHtml(url.origin)}/">${escapeHtml(url.origin)}</a> instead, or restart the server with <code>ORIGIN=${escapeHtml(from)}</code>.</p>`
			: '<p>Open Coinguard from its own address and send the form again.</p>';
	const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Form refused · Coinguard</title><main style="max-width:36rem;margin:4rem auto;font-family:system-ui,sans-serif"><h1>This form was refused</h1><p>${escapeHtml(message)} Nothing was changed.</p>${hint}</main></html>`;
	return new Response(page, {
		status: 403,
		headers: { 'content-type': 'text/html; charset=utf-8' }
	});
}

function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);
}
