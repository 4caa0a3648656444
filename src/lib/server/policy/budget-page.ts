import type { Kysely } from 'kysely';
import { minorDigits } from '$lib/money';
import { limitInput, type LimitInput } from '$lib/schemas/limits';
import { firstError } from '$lib/schemas/account';
import type { SessionUser } from '../auth/sessions';
import type { DB, Limit } from '../db/schema';
import * as budgets from './budgets';
import * as limits from './limits';
import * as catalogue from '../shop/catalogue';
import { asText, describe, SETTER_WORDS, type CreatorRef } from './limit-words';
import { readThresholds } from '$lib/schemas/budget-terms';
import * as budgetProgress from './budget-progress';
import { toCoins, toMinorUnits } from './amounts';
import { parseSettings, SETTING_FIELDS } from './budget-settings';

// The Budgets page: the account's own limits, through policy/budgets.ts, so that raising or
// removing one waits out the cool-off exactly as it does through the API.

export const FIELDS = ['appliesTo', 'metric', 'period', 'amount', 'creatorHandle', 'action'];
export const EDIT_FIELDS = ['limitId', 'amount', 'action', ...SETTING_FIELDS];

/**
 * The account's limits with their progress this period, their settings, and any raise or
 * removal waiting out its cool-off (which the page offers to cancel).
 */
export async function list(db: Kysely<DB>, user: SessionUser, now: number) {
	const rows = await limits.list(db, user.id, now);
	const [words, progress] = await Promise.all([
		described(db, rows, now, user.locale),
		budgetProgress.of(db, user, rows, now)
	]);
	const waitingFor = new Map(
		rows.filter((l) => l.effective_at > now && l.replaces_id).map((l) => [l.replaces_id!, l.id])
	);
	return rows.map((limit, i) => {
		const replacedBy = waitingFor.get(limit.id) ?? null;
		const waiting: Waiting | null =
			limit.effective_at > now && limit.replaces_id
				? { kind: 'change', at: limit.effective_at }
				: limit.ends_at !== null && !replacedBy
					? { kind: 'removal', at: limit.ends_at }
					: null;
		return {
			...words[i]!,
			metric: limit.metric,
			period: limit.period,
			action: limit.action,
			amount: limit.amount,
			currency: limit.currency,
			progress: progress.get(limit.id) ?? null,
			alertThresholds: readThresholds(limit.alert_thresholds),
			rollover:
				limit.rollover_percent === null && limit.rollover_amount === null
					? null
					: { percent: limit.rollover_percent, amount: limit.rollover_amount },
			waiting,
			replacedBy
		};
	});
}

/** A change still waiting out its cool-off: a raise (or other loosening) or a removal. */
export interface Waiting {
	kind: 'change' | 'removal';
	at: number;
}

/**
 * When what is already counted this period (spent and held) is over a new limit, or nearly
 * all of it: still set, but the page says so plainly.
 */
export interface Over {
	used: number;
	allowed: number;
	metric: 'coins' | 'money';
	currency: string | null;
	resetsAt: number;
}

async function overOf(db: Kysely<DB>, user: SessionUser, limit: Limit, now: number) {
	if (limit.effective_at > now) return null;
	const progress = (await budgetProgress.of(db, user, [limit], now)).get(limit.id);
	// Over it, or within a tenth of it: either way the person should hear it now, not at checkout.
	if (!progress || (progress.spent + progress.held) * 10 < progress.allowed * 9) return null;
	return {
		used: progress.spent + progress.held,
		allowed: progress.allowed,
		metric: limit.metric,
		currency: limit.currency,
		resetsAt: progress.resetsAt
	} satisfies Over;
}

/** Limits as the pages show them: a sentence with creator links, who locked it, and when. */
/** Limits in words, with amounts in `locale` (the reader's). */
export async function described(db: Kysely<DB>, rows: Limit[], now: number, locale: string) {
	const ids = [...new Set(rows.flatMap((l) => (l.creator_id ? [l.creator_id] : [])))];
	const creators = new Map(
		(await catalogue.creatorsByIds(db, ids)).map((c) => [
			c.id,
			{ name: c.display_name, handle: c.handle }
		])
	);
	return rows.map((limit) => {
		const creator: CreatorRef | null = limit.creator_id
			? (creators.get(limit.creator_id) ?? { name: limit.creator_id, handle: null })
			: null;
		const parts = describe(limit, creator, locale);
		return {
			id: limit.id,
			parts,
			text: asText(parts),
			/** Guardian (and operator) limits can only be changed by whoever set them. */
			lockedBy: limit.set_by === 'self' ? null : SETTER_WORDS[limit.set_by],
			startsAt: limit.effective_at > now ? limit.effective_at : null,
			endsAt: limit.ends_at
		};
	});
}

export { toCoins, toMinorUnits };

export type AddResult =
	{ ok: true; over: Over | null; effectiveAt: number } | { message: string; field: string };
export type Parsed = { input: LimitInput } | { message: string; field: string };

/** A limit from a form's fields (all strings, '' when absent), money in `currency`. */
export async function parseLimit(
	db: Kysely<DB>,
	currency: string,
	fields: Record<string, string>
): Promise<Parsed> {
	const money = fields.metric === 'money';
	const amount = money ? toMinorUnits(fields.amount ?? '', currency) : toCoins(fields.amount ?? '');
	if (amount === null) {
		const digits = minorDigits(currency);
		const example = digits ? `49.${'9'.repeat(digits)}` : '5000';
		return {
			field: 'amount',
			message: money
				? `Enter the amount in ${currency}, such as ${example}.`
				: 'Enter a whole number of coins, such as 5000.'
		};
	}

	let creatorId: string | null = null;
	const handle = (fields.creatorHandle ?? '').trim();
	if (handle) {
		if (fields.appliesTo !== 'gift') {
			return {
				field: 'creatorHandle',
				message:
					'Only gift limits can be for one creator: choose "Sending gifts" or clear the creator.'
			};
		}
		const creator = await catalogue.creatorByHandle(db, handle);
		if (!creator) {
			return {
				field: 'creatorHandle',
				message: `No creator has the handle "${handle.slice(0, 60)}". Check the spelling: it is the name after /live/ in their link.`
			};
		}
		creatorId = creator.id;
	}

	const parsed = limitInput.safeParse({
		appliesTo: fields.appliesTo,
		metric: fields.metric,
		period: fields.period,
		amount,
		creatorId,
		action: fields.action || undefined
	});
	if (!parsed.success) {
		const { field, message } = firstError(parsed.error);
		return { field: field === 'creatorId' ? 'creatorHandle' : field, message };
	}
	return { input: parsed.data };
}

/**
 * Adds a limit of the user's own from the page's form fields. "Ask a guardian" is for a minor
 * with a guardian to ask: anyone else's request would wait for nobody.
 */
export async function add(
	db: Kysely<DB>,
	user: SessionUser,
	fields: Record<string, string>,
	now: number,
	canAskGuardian: boolean
): Promise<AddResult> {
	const parsed = await parseLimit(db, user.currency, fields);
	if (!('input' in parsed)) return parsed;
	if (parsed.input.action === 'approval' && !canAskGuardian) {
		return {
			field: 'action',
			message:
				'Only a child in a family with a guardian can ask for approval. Choose "Block it" or "Allow it, with a warning".'
		};
	}
	const settings = parseSettings(fields, parsed.input.metric === 'money' ? user.currency : null);
	if ('message' in settings) return settings;
	const added = await budgets.add(db, user, { ...parsed.input, ...settings }, now);
	return { ok: true, over: await overOf(db, user, added, now), effectiveAt: now };
}

/**
 * Changes one of the user's limits from its edit form: the amount, what happens past it, the
 * alert shares and the rollover (the rest of the limit stays). Tighter at once, looser after
 * the cool-off.
 */
export async function edit(
	db: Kysely<DB>,
	user: SessionUser,
	fields: Record<string, string>,
	now: number,
	canAskGuardian: boolean
): Promise<AddResult> {
	const current = await limits.get(db, user.id, fields.limitId ?? '');
	if (!current) return { field: 'limitId', message: 'No such limit on your account.' };
	const money = current.metric === 'money';
	const amount = money
		? toMinorUnits(fields.amount ?? '', current.currency ?? user.currency)
		: toCoins(fields.amount ?? '');
	if (amount === null) {
		return {
			field: 'amount',
			message: money
				? `Enter the amount in ${current.currency ?? user.currency}, such as 49.99.`
				: 'Enter a whole number of coins, such as 5000.'
		};
	}
	const parsed = limitInput.safeParse({
		appliesTo: current.applies_to,
		metric: current.metric,
		period: current.period,
		amount,
		creatorId: current.creator_id,
		action: fields.action || current.action
	});
	if (!parsed.success) return firstError(parsed.error);
	if (parsed.data.action === 'approval' && !canAskGuardian && current.action !== 'approval') {
		return {
			field: 'action',
			message:
				'Only a child in a family with a guardian can ask for approval. Choose "Block it" or "Allow it, with a warning".'
		};
	}
	const settings = parseSettings(fields, money ? (current.currency ?? user.currency) : null);
	if ('message' in settings) return settings;
	try {
		const { limit, effectiveAt } = await budgets.change(
			db,
			user,
			current.id,
			{ ...parsed.data, ...settings },
			now
		);
		return { ok: true, over: await overOf(db, user, limit, now), effectiveAt };
	} catch (error) {
		if (error instanceof budgets.BudgetError) return { field: 'limitId', message: error.message };
		throw error;
	}
}

/** Cancels a raise or removal waiting out its cool-off. */
export async function cancel(
	db: Kysely<DB>,
	user: SessionUser,
	limitId: string,
	now: number
): Promise<{ ok: true } | { message: string }> {
	try {
		await budgets.cancel(db, user.id, limitId, now);
		return { ok: true };
	} catch (error) {
		if (error instanceof budgets.BudgetError) return { message: error.message };
		throw error;
	}
}

export type RemoveResult = { ok: true; endsAt: number } | { message: string };

export async function remove(
	db: Kysely<DB>,
	user: SessionUser,
	limitId: string,
	now: number
): Promise<RemoveResult> {
	try {
		const { endsAt } = await budgets.remove(db, user.id, limitId, now);
		return { ok: true, endsAt };
	} catch (error) {
		if (error instanceof budgets.BudgetError) return { message: error.message };
		throw error;
	}
}
