import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as access from '$lib/server/access';
import * as family from '$lib/server/family';
import { readForm, unreadable } from '$lib/server/forms';
import type { FamilyRole } from '$lib/schemas/family';
import { approvalTtl } from '$lib/server/ledger/ttl';

// Every rule is the server's: the page only offers what the family module would allow.

type Section = 'create' | 'join' | 'addChild' | 'invite' | 'remove' | 'approvalWait';

const STATUS = { BAD_REQUEST: 400, FORBIDDEN: 403, CONFLICT: 409 } as const;

/** Runs one family change; a refusal becomes a form failure for `section`, naming the field. */
async function attempt<T>(
	section: Section,
	work: () => Promise<T>,
	values: Record<string, string> = {}
) {
	try {
		return await work();
	} catch (error) {
		// Not yours to see or touch: the same answer as an id that does not exist.
		if (error instanceof access.NotFoundError) {
			return fail(404, { section, message: 'Not found: nothing was changed.', values });
		}
		if (error instanceof family.FamilyError) {
			const { code, message, field } = error;
			return fail(STATUS[code], { section, message, field, values });
		}
		throw error;
	}
}

async function actorOf(locals: App.Locals) {
	return access.userActor(appDatabase().db, locals.user!);
}

export const load = (async ({ locals }) => {
	const actor = await actorOf(locals);
	const { db } = appDatabase();
	const seen = await family.view(db, actor);
	// The family's own approval wait, for its guardians' form; null means the default.
	const wait =
		actor.family?.role === 'guardian'
			? ((await family.familyOf(db, actor.accountId))?.family.approval_ttl_seconds ?? null)
			: null;
	return {
		...seen,
		canCreate: !actor.family && !actor.isMinor,
		approvalWaitHours: wait === null ? null : Math.round(wait / 3600),
		defaultApprovalWaitHours: Math.round(approvalTtl() / 3_600_000)
	};
}) satisfies PageServerLoad;

export const actions = {
	create: async ({ request, locals }) => {
		const form = await readForm(request, ['name']);
		if (!form) return unreadable();
		const actor = await actorOf(locals);
		return attempt('create', async () => {
			const created = await family.create(appDatabase().db, actor, { name: form.name! });
			return { section: 'create' as const, message: `Family "${created.name}" created.` };
		});
	},
	join: async ({ request, locals }) => {
		const form = await readForm(request, ['code']);
		if (!form) return unreadable();
		const actor = await actorOf(locals);
		return attempt('join', async () => {
			const { role } = await family.join(appDatabase().db, actor, form.code!);
			return {
				section: 'join' as const,
				message: `You joined the family as ${role === 'guardian' ? 'a guardian' : 'a child'}.`
			};
		});
	},
	addChild: async ({ request, locals }) => {
		const form = await readForm(request, ['email', 'displayName', 'password', 'birthYear']);
		if (!form) return unreadable();
		const actor = await actorOf(locals);
		// The form keeps what was typed (never the password) when it has to be corrected.
		const [email, displayName, birthYear] = [form.email!, form.displayName!, form.birthYear!];
		return attempt(
			'addChild',
			async () => {
				const child = await family.createMinor(appDatabase().db, actor, {
					email,
					displayName,
					password: form.password!,
					birthYear
				});
				return {
					section: 'addChild' as const,
					message: `${child.display_name}'s account is ready: they log in with ${child.email}.`
				};
			},
			{ email, displayName, birthYear }
		);
	},
	invite: async ({ request, locals }) => {
		const form = await readForm(request, ['role']);
		if (!form) return unreadable();
		const actor = await actorOf(locals);
		return attempt('invite', async () => {
			const made = await family.invite(appDatabase().db, actor, form.role as FamilyRole);
			return { section: 'invite' as const, invite: made };
		});
	},
	approvalWait: async ({ request, locals }) => {
		const form = await readForm(request, ['approvalWaitHours']);
		if (!form) return unreadable();
		const actor = await actorOf(locals);
		const hours = form.approvalWaitHours!.trim();
		return attempt(
			'approvalWait',
			async () => {
				const { seconds } = await family.setApprovalWait(appDatabase().db, actor, hours);
				return {
					section: 'approvalWait' as const,
					message:
						seconds === null
							? 'New requests wait the default time.'
							: `New requests wait ${seconds / 3600} hours for an answer.`
				};
			},
			{ approvalWaitHours: hours }
		);
	},
	removeMinor: async ({ request, locals }) => {
		const form = await readForm(request, ['minorId', 'confirm']);
		if (!form) return unreadable();
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('remove', async () => {
			// Checked before the name is shown on the confirm step, too.
			await access.require(db, actor, 'minor.manage', form.minorId!);
			const members = await family.members(db, actor.family!.id);
			const minor = members.find((m) => m.accountId === form.minorId)!;
			if (form.confirm !== 'yes') {
				return {
					section: 'remove' as const,
					confirm: { minorId: minor.accountId, displayName: minor.displayName }
				};
			}
			await family.removeMinor(db, actor, minor.accountId);
			return {
				section: 'remove' as const,
				message: `${minor.displayName} is no longer in the family. Their account stays.`
			};
		});
	}
} satisfies Actions;
