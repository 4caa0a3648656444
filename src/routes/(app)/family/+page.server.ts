import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as access from '$lib/server/access';
import * as family from '$lib/server/family';
import * as reauth from '$lib/server/auth/reauth';
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
	removeMinor: ({ request, locals }) => removeMember(request, locals, 'minor'),
	removeGuardian: ({ request, locals }) => removeMember(request, locals, 'guardian')
} satisfies Actions;

/**
 * Removing a minor or another guardian: a confirm step naming them, then the removal, which asks
 * for the guardian's password again unless it was typed in the last ten minutes.
 */
async function removeMember(request: Request, locals: App.Locals, role: FamilyRole) {
	const idField = role === 'minor' ? 'minorId' : 'guardianId';
	const form = await readForm(request, [idField, 'confirm', reauth.PASSWORD_FIELD]);
	if (!form) return unreadable();
	const { db } = appDatabase();
	const actor = await actorOf(locals);
	return attempt('remove', async () => {
		// Checked before the name is shown on the confirm step, too.
		const permission = role === 'minor' ? 'minor.manage' : 'guardian.remove';
		await access.require(db, actor, permission, form[idField]!);
		const members = await family.members(db, actor.family!.id);
		const member = members.find((m) => m.accountId === form[idField])!;
		const confirm = { role, accountId: member.accountId, displayName: member.displayName };
		if (form.confirm !== 'yes') {
			// Asked up front when it will be needed, so one press of the button does it.
			const needsPassword = !reauth.isRecent(locals.session!);
			return { section: 'remove' as const, confirm, needsPassword };
		}
		const refused = await reauth.confirm(db, locals, form.password, {
			section: 'remove' as const,
			confirm
		});
		if (refused) return refused;
		if (role === 'minor') await family.removeMinor(db, actor, member.accountId);
		else await family.removeGuardian(db, actor, member.accountId);
		return {
			section: 'remove' as const,
			message:
				role === 'minor'
					? `${member.displayName} is no longer in the family. Their account stays.`
					: `${member.displayName} is no longer a guardian of this family. Every guardian sees it in the audit log.`
		};
	});
}
