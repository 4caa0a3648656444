import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import * as access from '$lib/server/access';
import * as reauth from '$lib/server/auth/reauth';
import { appDatabase } from '$lib/server/app';
import * as family from '$lib/server/family';
import { invalid, readForm, unreadable } from '$lib/server/forms';
import * as budgetPage from '$lib/server/policy/budget-page';
import * as catalogue from '$lib/server/shop/catalogue';
import { CHANNELS } from '$lib/schemas/purchase';
import { clockTime, rulesInput, standingApprovalInput } from '$lib/schemas/rules';

// A guardian's controls for one minor. Every change goes through family/controls.ts, which asks
// `access` with the minor's id: another family's minor is not found, and a minor cannot change
// their own controls. Loosening changes are confirmed with the guardian's password.

const { controls } = family;

async function actorOf(locals: App.Locals) {
	return access.userActor(appDatabase().db, locals.user!);
}

/** Runs a change; an id the guardian may not touch answers 404 and changes nothing. */
async function attempt<T>(section: string, work: () => Promise<T>) {
	try {
		return await work();
	} catch (caught) {
		if (caught instanceof access.NotFoundError) {
			return fail(404, { section, message: 'Not found: nothing was changed.' });
		}
		throw caught;
	}
}

export const load = (async ({ locals, params }) => {
	const { db } = appDatabase();
	const actor = await actorOf(locals);
	const now = Date.now();
	let seen: family.controls.Controls;
	try {
		seen = await controls.view(db, actor, params.minorId, now);
	} catch (caught) {
		if (caught instanceof access.NotFoundError) error(404, 'Not found');
		throw caught;
	}
	const ids = [...new Set(seen.standing.flatMap((s) => s.creator_ids?.split(',') ?? []))];
	const names = new Map(
		(await catalogue.creatorsByIds(db, ids)).map((c) => [c.id, c.handle ?? c.display_name])
	);
	return {
		minor: { id: seen.minor.id, name: seen.minor.display_name, timeZone: seen.minor.time_zone },
		/** Loosening asks for the password unless it was typed in the last few minutes. */
		passwordRecent: reauth.isRecent(locals.session!),
		currency: seen.minor.currency,
		canManage: actor.family?.role === 'guardian',
		rules: {
			...seen.rules,
			quietFrom: seen.rules.quietHours ? clockTime(seen.rules.quietHours.start) : '',
			quietTo: seen.rules.quietHours ? clockTime(seen.rules.quietHours.end) : ''
		},
		asks: seen.asks,
		caps: await budgetPage.described(db, seen.caps, now, locals.user!.locale),
		standing: seen.standing.map((s) => ({
			id: s.id,
			appliesTo: s.applies_to,
			period: s.period,
			coins: s.coins,
			creators: s.creator_ids?.split(',').map((id) => names.get(id) ?? id) ?? null
		}))
	};
}) satisfies PageServerLoad;

const RULE_FIELDS = [
	'purchasesBlocked',
	'giftingAllowed',
	'quietFrom',
	'quietTo',
	'askRecharge',
	'askGift',
	reauth.PASSWORD_FIELD,
	...CHANNELS.map((c) => `channel_${c}`)
];

/** The fields to show again after a refusal: never the password. */
function echo(form: Record<string, string>): Record<string, string> {
	const { [reauth.PASSWORD_FIELD]: _password, ...rest } = form;
	return rest;
}

export const actions = {
	rules: async ({ request, locals, params }) => {
		const form = await readForm(request, RULE_FIELDS);
		if (!form) return unreadable();
		const parsed = rulesInput.safeParse({
			purchasesBlocked: form.purchasesBlocked === 'on',
			giftingAllowed: form.giftingAllowed === 'on',
			channels: CHANNELS.filter((c) => form[`channel_${c}`] === 'on'),
			quietFrom: form.quietFrom,
			quietTo: form.quietTo
		});
		if (!parsed.success) return withSection('rules', invalid(parsed.error, echo(form)));
		const next = {
			rules: parsed.data,
			asks: { recharge: form.askRecharge === 'on', gift: form.askGift === 'on' }
		};
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('rules', async () => {
			const current = await controls.view(db, actor, params.minorId, Date.now());
			if (controls.isLoosening(current, next)) {
				const extra = { section: 'rules', values: echo(form) };
				const refused = await reauth.confirm(db, locals, form.password, extra);
				if (refused) return refused;
			}
			await controls.setRules(db, actor, params.minorId, next, Date.now());
			return { section: 'rules', message: 'Saved. The new rules apply to the next purchase.' };
		});
	},
	addCap: async ({ request, locals, params }) => {
		const form = await readForm(request, budgetPage.FIELDS);
		if (!form) return unreadable();
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('addCap', async () => {
			const seen = await controls.view(db, actor, params.minorId, Date.now());
			const parsed = await budgetPage.parseLimit(db, seen.minor.currency, form);
			if (!('input' in parsed)) return fail(400, { section: 'addCap', ...parsed, values: form });
			await controls.addCap(db, actor, params.minorId, parsed.input, Date.now());
			return { section: 'addCap', message: 'Cap added. It applies from now on.' };
		});
	},
	removeCap: async ({ request, locals, params }) => {
		const form = await readForm(request, ['limitId', reauth.PASSWORD_FIELD]);
		if (!form) return unreadable();
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('caps', async () => {
			// Asked only of a guardian of this minor: anyone else learns nothing from it.
			await access.require(db, actor, 'minor.manage', params.minorId);
			const extra = { section: 'caps', limitId: form.limitId! };
			const refused = await reauth.confirm(db, locals, form.password, extra);
			if (refused) return refused;
			await controls.removeCap(db, actor, params.minorId, form.limitId!, Date.now());
			return { section: 'caps', message: 'Cap removed.' };
		});
	},
	addStanding: async ({ request, locals, params }) => {
		const form = await readForm(request, [
			'appliesTo',
			'period',
			'coins',
			'creators',
			reauth.PASSWORD_FIELD
		]);
		if (!form) return unreadable();
		const parsed = standingApprovalInput.safeParse(form);
		if (!parsed.success) return withSection('addStanding', invalid(parsed.error, echo(form)));
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('addStanding', async () => {
			await access.require(db, actor, 'minor.manage', params.minorId);
			const extra = { section: 'addStanding', values: echo(form) };
			const refused = await reauth.confirm(db, locals, form.password, extra);
			if (refused) return refused;
			await controls.addStanding(db, actor, params.minorId, parsed.data, Date.now());
			return { section: 'addStanding', message: 'Standing approval added.' };
		});
	},
	endStanding: async ({ request, locals, params }) => {
		const form = await readForm(request, ['standingId']);
		if (!form) return unreadable();
		const { db } = appDatabase();
		const actor = await actorOf(locals);
		return attempt('standing', async () => {
			await controls.endStanding(db, actor, params.minorId, form.standingId!, Date.now());
			return { section: 'standing', message: 'Standing approval ended.' };
		});
	}
} satisfies Actions;

function withSection(section: string, failure: ReturnType<typeof invalid>) {
	return fail(failure.status, { ...failure.data, section });
}
