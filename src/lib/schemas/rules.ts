import { z } from 'zod';
import { normalizeCreatorId } from './creator';
import { CALENDAR_PERIODS, type CalendarPeriod } from './limits';
import { eitherOf, oneOf } from './lists';
import { CHANNELS, MAX_COINS, PURCHASE_KINDS, type Channel, type PurchaseKind } from './purchase';

/** Local time of day as minutes after midnight; quiet hours run from `start` up to `end`, across midnight when end < start. */
export interface QuietHours {
	start: number;
	end: number;
}

/**
 * Rules that are not amounts per period, decided by `decide()` next to the limits. "Every
 * recharge (or gift) needs approval" is not here: it is a guardian's approval limit of 0 per
 * purchase, so that standing approvals and the approval flow treat it like any other.
 */
export interface AccountRules {
	/** Nothing can be bought or given. */
	purchasesBlocked: boolean;
	giftingAllowed: boolean;
	/** The channels a purchase may come through. */
	channels: readonly Channel[];
	quietHours: QuietHours | null;
}

/** What an account without rules gets: everything open. */
export const NO_RULES: AccountRules = {
	purchasesBlocked: false,
	giftingAllowed: true,
	channels: CHANNELS,
	quietHours: null
};

/** A minor starts safe: gifting off, no gift cards or third-party sellers. */
export const MINOR_RULES: AccountRules = {
	purchasesBlocked: false,
	giftingAllowed: false,
	channels: ['app', 'web'],
	quietHours: null
};

/** The channels as people read them. */
export const CHANNEL_NAMES: Record<Channel, string> = {
	app: 'the app',
	web: 'the website',
	gift_card: 'gift cards',
	third_party: 'third-party sellers'
};

/** True when `next` allows something that `current` refused: a guardian confirms such changes. */
export function loosens(current: AccountRules, next: AccountRules): boolean {
	if (current.purchasesBlocked && !next.purchasesBlocked) return true;
	if (!current.giftingAllowed && next.giftingAllowed) return true;
	if (next.channels.some((c) => !current.channels.includes(c))) return true;
	if (!current.quietHours) return false;
	if (!next.quietHours) return true;
	// Looser unless every quiet minute now is still quiet.
	return !covers(next.quietHours, current.quietHours);
}

function minutesOf(q: QuietHours): Set<number> {
	const minutes = new Set<number>();
	for (let m = q.start; m !== q.end; m = (m + 1) % 1440) minutes.add(m);
	return minutes;
}

function covers(outer: QuietHours, inner: QuietHours): boolean {
	const quiet = minutesOf(outer);
	for (const m of minutesOf(inner)) if (!quiet.has(m)) return false;
	return true;
}

export function isQuietAt(quiet: QuietHours, minuteOfDay: number): boolean {
	return quiet.start < quiet.end
		? minuteOfDay >= quiet.start && minuteOfDay < quiet.end
		: minuteOfDay >= quiet.start || minuteOfDay < quiet.end;
}

/** "21:30" for 1290. */
export function clockTime(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "21:30" as 1290 minutes; '' (no time) as null. */
const timeOfDay = (field: string) =>
	z
		.string()
		.trim()
		.default('')
		.refine((value) => value === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(value), {
			error: `${field} must be a time such as 21:00.`
		})
		.transform((value) =>
			value === '' ? null : Number(value.slice(0, 2)) * 60 + Number(value.slice(3))
		);

const flag = z
	.union([z.boolean(), z.enum(['on', 'true', '1', 'off', 'false', '0'])])
	.transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

/** The rules a guardian sets for a minor, as a form or the API sends them. */
export const rulesInput = z
	.object({
		purchasesBlocked: flag.default(false),
		giftingAllowed: flag.default(false),
		channels: z
			.array(z.enum(CHANNELS, { error: `channels must each be one of ${oneOf(CHANNELS)}.` }))
			.max(CHANNELS.length)
			.transform((list) => CHANNELS.filter((c) => list.includes(c)))
			.default([]),
		quietFrom: timeOfDay('The start of quiet hours'),
		quietTo: timeOfDay('The end of quiet hours')
	})
	.superRefine((input, ctx) => {
		const from = input.quietFrom === null;
		const to = input.quietTo === null;
		if (from !== to) {
			ctx.addIssue({
				code: 'custom',
				path: [from ? 'quietFrom' : 'quietTo'],
				message: 'Quiet hours need both a start and an end, or neither.'
			});
		} else if (!from && input.quietFrom === input.quietTo) {
			ctx.addIssue({
				code: 'custom',
				path: ['quietTo'],
				message: 'Quiet hours must end at another time than they start.'
			});
		}
	})
	.transform((input): AccountRules => ({
		purchasesBlocked: input.purchasesBlocked,
		giftingAllowed: input.giftingAllowed,
		channels: input.channels,
		quietHours:
			input.quietFrom === null || input.quietTo === null
				? null
				: { start: input.quietFrom, end: input.quietTo }
	}));

/** Creators a standing approval may be for, at most this many. */
export const MAX_STANDING_CREATORS = 20;

/** A guardian's pre-approval: purchases inside it pass without a request and count against it. */
export const standingApprovalInput = z
	.object({
		appliesTo: z.enum(PURCHASE_KINDS, { error: `appliesTo must be ${eitherOf(PURCHASE_KINDS)}.` }),
		period: z.enum(CALENDAR_PERIODS, {
			error: `period must be one of ${oneOf(CALENDAR_PERIODS)}.`
		}),
		coins: z.coerce
			.number({ error: 'coins must be a number.' })
			.int({ error: 'coins must be a whole number.' })
			.min(1, { error: 'coins must be at least 1.' })
			.max(MAX_COINS, { error: 'coins is too large.' }),
		// Handles or ids, separated by commas, spaces or new lines; empty for any creator.
		creators: z
			.string()
			.max(2000, { error: 'The list of creators is too long.' })
			.default('')
			.transform((text) => [
				...new Set(
					text
						.split(/[\s,]+/)
						.filter(Boolean)
						.map(normalizeCreatorId)
				)
			])
			.refine((list) => list.length <= MAX_STANDING_CREATORS, {
				error: `A standing approval names at most ${MAX_STANDING_CREATORS} creators.`
			})
	})
	.superRefine((input, ctx) => {
		if (input.appliesTo === 'recharge' && input.creators.length > 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['creators'],
				message: 'Only gifts go to creators: leave the creators empty for recharges.'
			});
		}
	});
export type StandingApprovalInput = z.output<typeof standingApprovalInput>;

/** A standing approval as the decision engine reads it, with what it has passed this period. */
export interface StandingRule {
	id: string;
	appliesTo: PurchaseKind;
	period: CalendarPeriod;
	coins: number;
	/** Null for any creator. */
	creatorIds: readonly string[] | null;
	/** Coins passed under it in the current period, held or captured. */
	used: number;
}
