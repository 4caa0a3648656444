/** Posts a form the way a browser without JavaScript does (same origin, no redirects followed). */
export function postForm(
	origin: string,
	path: string,
	fields: Record<string, string>,
	options: { cookie?: string; originHeader?: string; clientIp?: string } = {}
): Promise<Response> {
	return fetch(origin + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			// The test server reads the client address from this header (ADDRESS_HEADER).
			'x-forwarded-for': options.clientIp ?? '203.0.113.10',
			origin: options.originHeader ?? origin,
			...(options.cookie ? { cookie: options.cookie } : {})
		},
		body: new URLSearchParams(fields).toString()
	});
}

/** The `name=value` part of the session cookie a response sets, for later requests. */
export function sessionCookie(response: Response): string | null {
	const header = response.headers.getSetCookie().find((c) => c.startsWith('cg_session='));
	return header ? header.split(';')[0]! : null;
}

/** Opens a page the way a browser's navigation does (asking for HTML, no redirects followed). */
export function getPage(origin: string, path: string, cookie?: string): Promise<Response> {
	return fetch(origin + path, {
		redirect: 'manual',
		headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) }
	});
}
