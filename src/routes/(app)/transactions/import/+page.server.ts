import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as imports from '$lib/server/imports';
import { mappingFrom } from '$lib/server/imports/parse';
import * as progress from '$lib/server/imports/progress';

export const load = (() => ({
	maxBytes: imports.MAX_IMPORT_BYTES,
	maxRows: imports.MAX_IMPORT_ROWS
})) satisfies PageServerLoad;

type Source =
	{ ok: true; text: string; form: Record<string, string> } | { ok: false; message: string };

/** The CSV text (an uploaded file, or the text the preview carried on) and the mapping fields. */
async function source(request: Request): Promise<Source> {
	let data: FormData;
	try {
		data = await request.formData();
	} catch {
		return { ok: false, message: 'The form could not be read. Choose the file again.' };
	}
	const form: Record<string, string> = {};
	for (const [name, value] of data) if (typeof value === 'string') form[name] = value;
	const file = data.get('file');
	if (file instanceof File && file.size > 0) {
		if (file.size > imports.MAX_IMPORT_BYTES) {
			return {
				ok: false,
				message: `The file is over ${imports.MAX_IMPORT_BYTES / 1024 / 1024} MiB. Split it and import each part.`
			};
		}
		return { ok: true, text: await file.text(), form };
	}
	if (form.csv) return { ok: true, text: form.csv, form };
	return { ok: false, message: 'File: choose a CSV file to import.' };
}

function account(locals: App.Locals): imports.Account {
	const user = locals.user!;
	return { id: user.id, timeZone: user.timeZone, currency: user.currency };
}

/** The file checked with the chosen (or guessed) mapping, as the page shows it. */
function checked(text: string, form: Record<string, string>, who: imports.Account) {
	let mapping: imports.Mapping | null = null;
	if (form.mapped === '1') {
		const columns = imports.check(text, who, null, Date.now()).headers.length;
		const chosen = mappingFrom(form, columns);
		if (!chosen.ok) return { ok: false as const, message: chosen.message };
		mapping = chosen.mapping;
	}
	const result = imports.check(text, who, mapping, Date.now());
	return {
		ok: true as const,
		result,
		view: {
			step: 'preview' as const,
			csv: text,
			job: progress.newJob(),
			headers: result.headers,
			mapping: result.mapping,
			preview: result.preview,
			total: result.total,
			valid: result.rows.length,
			errors: result.errors.slice(0, imports.MAX_LISTED_ERRORS),
			errorCount: result.errors.length
		}
	};
}

export const actions = {
	preview: async ({ request, locals }) => {
		const input = await source(request);
		if (!input.ok) return fail(400, { message: input.message });
		try {
			const check = checked(input.text, input.form, account(locals));
			if (!check.ok) return fail(400, { message: check.message });
			return check.view;
		} catch (caught) {
			if (caught instanceof imports.ImportFileError) return fail(400, { message: caught.message });
			throw caught;
		}
	},
	import: async ({ request, locals }) => {
		const input = await source(request);
		if (!input.ok) return fail(400, { message: input.message });
		const who = account(locals);
		try {
			const check = checked(input.text, input.form, who);
			if (!check.ok) return fail(400, { message: check.message });
			if (check.result.errors.length) {
				return fail(400, {
					...check.view,
					message: `Nothing was imported: ${check.result.errors.length} ${check.result.errors.length === 1 ? 'problem' : 'problems'} in the file, listed below. Fix them and try again.`
				});
			}
			const job = /^[a-z0-9]{1,32}$/.test(input.form.job ?? '')
				? input.form.job!
				: progress.newJob();
			const outcome = await imports.run(
				appDatabase(),
				who,
				check.result.rows,
				Date.now(),
				(done, total) => progress.report(job, who.id, done, total)
			);
			progress.report(job, who.id, outcome.imported, outcome.imported, true);
			return { step: 'done' as const, outcome };
		} catch (caught) {
			if (caught instanceof imports.ImportFileError || caught instanceof imports.ImportRefused) {
				return fail(400, { message: caught.message });
			}
			throw caught;
		}
	}
} satisfies Actions;
