import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as access from '$lib/server/access';
import * as family from '$lib/server/family';
import * as cursor from '$lib/server/reports/cursor';

const PAGE_SIZE = 30;

// The family's audit log. Guardians read all of it. A minor reads what they did and what was
// done about them (their limits, their requests' answers, their sessions): enough to see why a
// rule changed, without reading a sibling's or a guardian's own account activity.
export const load = (async ({ locals, url }) => {
	const { db } = appDatabase();
	const actor = await access.userActor(db, locals.user!);
	if (!actor.family) return { inFamily: false as const };
	await access.require(db, actor, 'family.read', actor.family.id);
	const position = cursor.parse(url.searchParams.get('before'));
	const before = position ? { at: position.occurredAt, id: position.id } : null;
	const { rows, next } = await family.audit.page(db, actor.family.id, {
		limit: PAGE_SIZE,
		before,
		about: actor.family.role === 'guardian' ? null : actor.accountId
	});
	return {
		inFamily: true as const,
		isGuardian: actor.family.role === 'guardian',
		entries: rows.map((row) => family.auditWords.entry(row, locals.user!)),
		next: next ? cursor.format({ occurredAt: next.at, id: next.id }) : null,
		isFirstPage: before === null
	};
}) satisfies PageServerLoad;
