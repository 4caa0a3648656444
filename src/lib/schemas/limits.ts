import { z } from 'zod';
import { MAX_COINS, MAX_PRICE_MINOR } from './purchase';

export const LIMIT_PERIODS = ['purchase', 'day', 'week', 'month'] as const;
export const LIMIT_ACTIONS = ['block', 'approval', 'warn'] as const;

export const limitInput = z
	.object({
		appliesTo: z.enum(['recharge', 'gift'], { error: 'appliesTo must be "recharge" or "gift".' }),
		metric: z.enum(['coins', 'money'], { error: 'metric must be "coins" or "money".' }),
		period: z.enum(LIMIT_PERIODS, { error: `period must be one of ${LIMIT_PERIODS.join(', ')}.` }),
		amount: z.coerce
			.number({ error: 'amount must be a number.' })
			.int({ error: 'amount must be a whole number (coins, or minor units such as cents).' })
			.min(0, { error: 'amount must not be negative.' })
			.max(MAX_PRICE_MINOR, { error: 'amount is too large.' }),
		creatorId: z
			.string()
			.trim()
			.max(255, { error: 'creatorId must be at most 255 characters.' })
			.transform((value) => value || null)
			.nullable()
			.default(null),
		action: z
			.enum(LIMIT_ACTIONS, { error: `action must be one of ${LIMIT_ACTIONS.join(', ')}.` })
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
