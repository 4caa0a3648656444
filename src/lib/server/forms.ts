import { error, fail, isHttpError, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { firstError } from '$lib/schemas/account';

export type FormFailure = ActionFailure<{
	message: string;
	field?: string;
	values?: Record<string, string>;
}>;

/**
 * The named text fields of a submitted form; files and absent fields come back as ''. A field
 * holding a NUL character is refused with a 400 naming it.
 */
export async function readForm(
	request: Request,
	names: readonly string[]
): Promise<Record<string, string> | null> {
	let data: FormData;
	try {
		data = await request.formData();
	} catch (caught) {
		// The server's body-size limit (413) says more than "could not be read".
		if (isHttpError(caught)) throw caught;
		return null;
	}
	const form = Object.fromEntries(
		names.map((name) => {
			const value = data.get(name);
			return [name, typeof value === 'string' ? value : ''];
		})
	);
	// No field here needs a NUL character, and PostgreSQL cannot store one.
	const withNul = names.find((name) => form[name]!.includes('\0'));
	if (withNul) error(400, `The field "${withNul}" holds a NUL character; nothing was saved.`);
	return form;
}

export function unreadable(): FormFailure {
	return fail(400, { message: 'The form could not be read. Reload the page and try again.' });
}

/** A 400 naming the first problem, echoing back the fields that are safe to show again. */
export function invalid(error: z.ZodError, values: Record<string, string> = {}): FormFailure {
	const { field, message } = firstError(error);
	return fail(400, { message, field, values });
}

/**
 * A 400 for one form of a page that holds several (Settings): `section` tells the page which
 * form the first problem belongs to, and the form's fields come back as they were typed.
 */
export function sectionInvalid<S extends string, V extends Record<string, string>>(
	section: S,
	error: z.ZodError,
	values: V
) {
	return fail(400, { section, message: firstError(error).message, values });
}

// Any origin will do: only the path is kept, and an input that leaves it was not a path here.
const HERE = 'http://coinguard.invalid';
// Longer than any page of this site needs; a huge Location header is refused by some proxies.
const LONGEST_PATH = 2048;

/**
 * A path on this site to go to after logging in; anything else goes home. The input is read
 * the way a browser reads a Location (which drops tabs and newlines, and takes `\` for `/`),
 * so `/\t/evil.example` cannot slip through as a path and then turn into `//evil.example`.
 */
export function localPath(target: string | null | undefined): string {
	if (!target || target.length > LONGEST_PATH) return '/';
	let url: URL;
	try {
		url = new URL(target, HERE);
	} catch {
		return '/';
	}
	// `/.//evil.example` resolves on this origin to the path `//evil.example`, which a browser
	// would take for another host.
	if (url.origin !== HERE || url.pathname.startsWith('//')) return '/';
	return url.pathname + url.search + url.hash;
}

export function clientIp(event: { getClientAddress(): string }): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
