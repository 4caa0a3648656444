// No form or API call here needs more than a few KiB; refusing larger bodies before
// reading them keeps a flood of big requests from costing memory or parse time.
export const MAX_BODY_BYTES = 64 * 1024;

const message = `Request body is over ${MAX_BODY_BYTES / 1024} KiB.`;

/** A 413 in the shape the caller reads: tRPC's error JSON for the API, text for pages. */
export function tooLarge(api: boolean): Response {
	if (!api)
		return new Response(message, { status: 413, headers: { 'content-type': 'text/plain' } });
	const body = {
		error: { message, code: -32600, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } }
	};
	return new Response(JSON.stringify(body), {
		status: 413,
		headers: { 'content-type': 'application/json' }
	});
}

export function declaredTooLarge(request: Request): boolean {
	return Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES;
}
