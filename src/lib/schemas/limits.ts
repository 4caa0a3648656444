import { z } from 'zod';
import { normalizeCreatorId } from './creator';
import { eitherOf, oneOf } from './lists';
import { MAX_COINS, MAX_PRICE_MINOR, PURCHASE_KINDS } from './purchase';

/** The periods cut in the account's time zone, each with its running totals. */
export const CALENDAR_PERIODS = ['day', 'week', 'month'] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];
export const LIMIT_PERIODS = ['purchase', ...CALENDAR_PERIODS] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];
export const LIMIT_ACTIONS = ['block', 'approval', 'warn'] as const;
export type LimitAction = (typeof LIMIT_ACTIONS)[number];
export const LIMIT_METRICS = ['coins', 'money'] as const;
export type LimitMetric = (typeof LIMIT_METRICS)[number];
/** What a limit applies to: one kind of purchase. */
export const LIMIT_APPLIES_TO = PURCHASE_KINDS;
/** Who set a limit: the account itself, a guardian (locked for a minor) or the operator. */
export const LIMIT_SETTERS = ['self', 'guardian', 'operator'] as const;
export type LimitSetter = (typeof LIMIT_SETTERS)[number];

export const limitInput = z
	.object({
		appliesTo: z.enum(LIMIT_APPLIES_TO, {
			error: `appliesTo must be ${eitherOf(LIMIT_APPLIES_TO)}.`
		}),
		metric: z.enum(LIMIT_METRICS, { error: `metric must be ${eitherOf(LIMIT_METRICS)}.` }),
		period: z.enum(LIMIT_PERIODS, { error: `period must be one of ${oneOf(LIMIT_PERIODS)}.` }),
		amount: z.coerce
			.number({ error: 'amount must be a number.' })
			.int({ error: 'amount must be a whole number (coins, or minor units such as cents).' })
			.min(0, { error: 'amount must not be negative.' })
			.max(MAX_PRICE_MINOR, { error: 'amount is too large.' }),
		// Spelt as a purchase spells it, so that a limit cannot be dodged by another spelling.
		creatorId: z
			.string()
			.max(255, { error: 'creatorId must be at most 255 characters.' })
			.transform((value) => (value.trim() ? normalizeCreatorId(value) : null))
			.refine((value) => value !== '@', { error: 'creatorId must not be empty.' })
			.nullable()
			.default(null),
		action: z
			.enum(LIMIT_ACTIONS, { error: `action must be one of ${oneOf(LIMIT_ACTIONS)}.` })
			.default('block')
	})
	.superRefine((limit, ctx) => {
		if (limit.metric === 'money' && limit.appliesTo === 'gift') {
			ctx.addIssue({
				code: 'custom',
				path: ['metric'],
				message: 'Gifts are paid in coins: use the coins metric for gift limits.'
			});
		}
		if (limit.metric === 'coins' && limit.amount > MAX_COINS * 1000) {
			ctx.addIssue({ code: 'custom', path: ['amount'], message: 'amount is too large.' });
		}
		if (limit.creatorId && limit.appliesTo !== 'gift') {
			ctx.addIssue({
				code: 'custom',
				path: ['creatorId'],
				message: 'Only gift limits can be for one creator.'
			});
		}
	});
export type LimitInput = z.output<typeof limitInput>;
