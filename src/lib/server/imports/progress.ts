import { randomToken } from '../ids';

// How far each running import is, for the page's progress bar (polled while the form posts).
// In this process's memory: the import and its polls reach the same server (one process, or a
// balancer with sticky sessions); elsewhere the bar simply stays at "working".

interface Job {
	accountId: string;
	done: number;
	total: number;
	finished: boolean;
	updatedAt: number;
}

const jobs = new Map<string, Job>();
const KEEP_MS = 10 * 60_000;

export function newJob(): string {
	return randomToken(10);
}

export function report(
	job: string,
	accountId: string,
	done: number,
	total: number,
	finished = false
) {
	const now = Date.now();
	for (const [id, old] of jobs) if (now - old.updatedAt > KEEP_MS) jobs.delete(id);
	jobs.set(job, { accountId, done, total, finished, updatedAt: now });
}

/** The job's progress, for its own account only. */
export function read(job: string, accountId: string) {
	const found = jobs.get(job);
	if (!found || found.accountId !== accountId) return null;
	return { done: found.done, total: found.total, finished: found.finished };
}
