import { error } from '@sveltejs/kit';
import { appDatabase } from '../app';
import * as access from '../access';
import * as oversight from '.';

/**
 * The signed-in user, their actor and the minor a page under /family/[minorId] shows; a 404
 * when they may not read that minor. Another family's minor, an adult, or an id that does not
 * exist all answer the same, so the pages reveal nothing about ids.
 */
export async function open(locals: App.Locals, minorId: string) {
	const { db } = appDatabase();
	const actor = await access.userActor(db, locals.user!);
	try {
		return { db, actor, minor: await oversight.minor(db, actor, minorId) };
	} catch (caught) {
		if (caught instanceof access.NotFoundError) error(404, 'Not found');
		throw caught;
	}
}
