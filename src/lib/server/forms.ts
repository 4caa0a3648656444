import { fail, isHttpError, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { firstError } from '$lib/schemas/account';

export type FormFailure = ActionFailure<{
	message: string;
	field?: string;
	values?: Record<string, string>;
}>;

/** The named text fields of a submitted form; files and absent fields come back as ''. */
export async function readForm(
	request: Request,
	names: readonly string[]
): Promise<Record<string, string> | null> {
	let data: FormData;
	try {
		data = await request.formData();
	} catch (error) {
		// The server's body-size limit (413) says more than "could not be read".
		if (isHttpError(error)) throw error;
		return null;
	}
	return Object.fromEntries(
		names.map((name) => {
			const value = data.get(name);
			return [name, typeof value === 'string' ? value : ''];
		})
	);
}

export function unreadable(): FormFailure {
	return fail(400, { message: 'The form could not be read. Reload the page and try again.' });
}

/** A 400 naming the first problem, echoing back the fields that are safe to show again. */
export function invalid(error: z.ZodError, values: Record<string, string> = {}): FormFailure {
	const { field, message } = firstError(error);
	return fail(400, { message, field, values });
}

/** A path on this site to go to after logging in; anything else (other hosts, `//x`) goes home. */
export function localPath(target: string | null | undefined): string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\'))
		return '/';
	return target;
}

export function clientIp(event: { getClientAddress(): string }): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
