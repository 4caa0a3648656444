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

// The Budgets page: the account's own limits, through policy/budgets.ts, so that raising or
// removing one waits out the cool-off exactly as it does through the API.

export const FIELDS = ['appliesTo', 'metric', 'period', 'amount', 'creatorHandle', 'action'];

export async function list(db: Kysely<DB>, user: SessionUser, now: number) {
	return described(db, await limits.list(db, user.id, now), now);
}

/** Limits as the pages show them: a sentence with creator links, who locked it, and when. */
export async function described(db: Kysely<DB>, rows: Limit[], now: number) {
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
		const parts = describe(limit, creator);
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

const THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d*)?$/;

/** "49.99" in USD → 4999; null when it is not an amount of that currency. */
export function toMinorUnits(text: string, currency: string): number | null {
	let value = text.trim();
	if (THOUSANDS.test(value)) value = value.replaceAll(',', '');
	const match = /^(\d+)(?:\.(\d*))?$/.exec(value);
	if (!match) return null;
	const digits = minorDigits(currency);
	const fraction = match[2] ?? '';
	if (fraction.length > digits) return null;
	const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
	return Number.isSafeInteger(minor) ? minor : null;
}

/** "5,000" → 5000; null when it is not a whole number. */
export function toCoins(text: string): number | null {
	let value = text.trim();
	if (THOUSANDS.test(value)) value = value.replaceAll(',', '');
	if (!/^\d+$/.test(value)) return null;
	const coins = Number(value);
	return Number.isSafeInteger(coins) ? coins : null;
}

export type AddResult = { ok: true } | { message: string; field: string };
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
	await budgets.add(db, user, parsed.input, now);
	return { ok: true };
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
