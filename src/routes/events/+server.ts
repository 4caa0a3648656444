import type { RequestHandler } from './$types';
import { appDatabase } from '$lib/server/app';
import * as stream from '$lib/server/notify/stream';

// Server-sent events for the signed-in user (the `handle` hook answers 401 without a session):
// new notices with the unread count, and the approvals and purchases they move.
export const GET = (async ({ locals, request }) =>
	new Response(await stream.open(appDatabase(), locals.user!.id, request.signal), {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			// Proxies that buffer (nginx) would hold the events back.
			'x-accel-buffering': 'no'
		}
	})) satisfies RequestHandler;
