import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import * as progress from '$lib/server/imports/progress';

// Polled by the import page while its form posts: how many rows are written so far.
export const GET: RequestHandler = ({ locals, url }) => {
	const job = url.searchParams.get('job') ?? '';
	return json(progress.read(job, locals.user!.id) ?? { done: 0, total: 0, finished: false });
};
