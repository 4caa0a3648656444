import { z } from 'zod';
import { currencyCode } from './common';
import { creatorId } from './creator';
import { eitherOf, oneOf } from './lists';
import type { Reason } from './reasons';

export const MAX_COINS = 10_000_000;
// Prices are minor units; a cap far above any coin pack keeps sums well inside 2^53.
export const MAX_PRICE_MINOR = 1_000_000_000_00;

const id = (what: string) =>
	z
		.string({ error: `${what} must be a string.` })
		.min(1, { error: `${what} must not be empty.` })
		.max(255, { error: `${what} must be at most 255 characters.` });

export const PURCHASE_KINDS = ['recharge', 'gift'] as const;
export type PurchaseKind = (typeof PURCHASE_KINDS)[number];

export const CHANNELS = ['app', 'web', 'gift_card', 'third_party'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DECISIONS = ['approved', 'declined', 'pending_approval'] as const;
export type Decision = (typeof DECISIONS)[number];

/** An authorization's lifecycle; the allowed moves between them are `ledger/states.ts`. */
export const AUTHORIZATION_STATUSES = [
	'held',
	'captured',
	'voided',
	'expired',
	'declined',
	'pending_approval'
] as const;
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number];

export const price = z.object(
	{
		amount: z
			.number({ error: 'price.amount must be a number of minor units (cents).' })
			.int({ error: 'price.amount must be a whole number of minor units (cents).' })
			.min(0, { error: 'price.amount must not be negative.' })
			.max(MAX_PRICE_MINOR, { error: 'price.amount is too large.' }),
		currency: currencyCode
	},
	{ error: 'price must be an object { amount, currency }.' }
);

export const authorizeInput = z
	.object(
		{
			idempotencyKey: id('idempotencyKey'),
			accountId: id('accountId'),
			kind: z.enum(PURCHASE_KINDS, { error: `kind must be ${eitherOf(PURCHASE_KINDS)}.` }),
			coins: z
				.number({ error: 'coins must be a number.' })
				.int({ error: 'coins must be a whole number.' })
				.min(1, { error: 'coins must be at least 1.' })
				.max(MAX_COINS, { error: `coins must be at most ${MAX_COINS.toLocaleString('en-US')}.` }),
			price: price.optional(),
			creatorId: creatorId.optional(),
			packageId: id('packageId').optional(),
			channel: z
				.enum(CHANNELS, { error: `channel must be one of ${oneOf(CHANNELS)}.` })
				.default('app'),
			paymentMethod: id('paymentMethod').optional()
		},
		{
			// One message for every issue of the object itself would answer a misspelt field
			// ("creatorID") with "must be a JSON object"; name the unknown fields instead.
			error: (issue) =>
				issue.code === 'unrecognized_keys'
					? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`
					: 'The input must be a JSON object.'
		}
	)
	.strict()
	.superRefine((input, ctx) => {
		if (input.kind === 'recharge' && !input.price) {
			ctx.addIssue({
				code: 'custom',
				path: ['price'],
				message: 'price is required for a recharge.'
			});
		}
		if (input.kind === 'gift' && !input.creatorId) {
			ctx.addIssue({
				code: 'custom',
				path: ['creatorId'],
				message: 'creatorId is required for a gift.'
			});
		}
	});
export type AuthorizeInput = z.input<typeof authorizeInput>;
export type AuthorizeRequest = z.output<typeof authorizeInput>;

export const authorizationRef = z
	.object(
		{ authorizationId: id('authorizationId') },
		{ error: 'The input must be { authorizationId }.' }
	)
	.strict();

export interface AuthorizeResponse {
	authorizationId: string;
	decision: Decision;
	reasons: Reason[];
	expiresAt: string | null;
	approvalId?: string;
}

export interface AuthorizationView {
	authorizationId: string;
	status: AuthorizationStatus;
	decision: Decision;
	reasons: Reason[];
	expiresAt: string | null;
}
