import type { Kysely } from 'kysely';
import { z } from 'zod';
import * as accounts from '../accounts';
import * as access from '../access';
import { appDatabase } from '../app';
import type { SessionUser } from '../auth/sessions';
import type { DB } from '../db/schema';
import * as api from './api';
import * as catalogue from './catalogue';
import * as flow from './flow';
import * as payment from './payment';

// What the coin shop and the creator page do when someone presses the button.

export interface ShopContext {
	db: Kysely<DB>;
	api: api.PurchaseApi;
}

/** The shop as a page request uses it: this app's database, its API over `event.fetch`. */
export function inRequest(event: { url: URL; fetch: typeof fetch }): ShopContext {
	const { db } = appDatabase();
	return { db, api: api.overHttp(db, event) };
}

export type Item =
	| { kind: 'recharge'; coins: number }
	| { kind: 'gift'; coins: number; giftName: string; emoji: string; creatorName: string };

export interface Outcome {
	item: Item;
	settlement: flow.Settlement;
	/** The balance after the purchase, whatever its outcome. */
	balance: number;
}

/** A purchase refused before asking Coinguard: a stale form or a gift no longer on offer. */
export interface Refusal {
	message: string;
}

const formKey = z.uuid({ error: 'This form is out of date. Reload the page and try again.' });
const id = (missing: string) =>
	z.string().min(1, { error: missing }).max(64, { error: 'Reload the page and try again.' });

export const buyForm = z.object({
	idempotencyKey: formKey,
	packId: id('Choose a coin pack.'),
	paymentMethod: z.enum(payment.PAYMENT_METHOD_VALUES, { error: 'Choose a payment method.' }),
	// A ticked checkbox sends "on"; an unticked one sends nothing (read as '').
	simulateFailure: z.string().transform((value) => value !== '')
});
export type BuyForm = z.output<typeof buyForm>;

export const giftForm = z.object({
	idempotencyKey: formKey,
	giftId: id('Choose a gift.'),
	// "yes" from the confirmation step of a gift above the account's threshold; '' otherwise.
	confirmed: z
		.enum(['', 'yes'], { error: 'confirmed must be "yes" or empty.' })
		.transform((value) => value === 'yes')
		.default(false)
});
export type GiftForm = z.output<typeof giftForm>;

/**
 * Every account's purchases go through the one built-in key, and idempotency keys are scoped
 * to the API key: prefix the form's key with the account, so accounts never share one.
 */
function keyFor(user: SessionUser, formKey: string): string {
	return `${user.id}:${formKey}`;
}

export async function buyPack(
	shop: ShopContext,
	user: SessionUser,
	form: BuyForm
): Promise<Outcome | Refusal> {
	// The price comes from the catalogue, never from the form.
	const pack = await catalogue.pack(shop.db, form.packId, user.currency);
	if (!pack) return { message: 'That coin pack is not on sale any more. Choose another one.' };
	const price = { amount: pack.price_amount, currency: pack.currency };
	const settlement = await flow.run(
		shop.api,
		{
			idempotencyKey: keyFor(user, form.idempotencyKey),
			accountId: user.id,
			kind: 'recharge',
			coins: pack.coins,
			price,
			packageId: pack.id,
			channel: 'web',
			paymentMethod: form.paymentMethod
		},
		() =>
			payment.charge({
				...price,
				method: form.paymentMethod,
				idempotencyKey: form.idempotencyKey,
				simulateFailure: form.simulateFailure
			})
	);
	return {
		item: { kind: 'recharge', coins: pack.coins },
		settlement,
		balance: await catalogue.balance(shop.db, user.id)
	};
}

/** A gift above the account's threshold, shown for a confirmation before it is sent. */
export interface Confirmation {
	confirm: {
		giftId: string;
		giftName: string;
		emoji: string;
		coins: number;
		creatorName: string;
		threshold: number;
		idempotencyKey: string;
	};
}

export async function sendGift(
	shop: ShopContext,
	user: SessionUser,
	handle: string,
	form: GiftForm
): Promise<Outcome | Refusal | Confirmation> {
	const [creator, gift, threshold] = await Promise.all([
		catalogue.creatorByHandle(shop.db, handle),
		catalogue.gift(shop.db, form.giftId),
		accounts.giftConfirmOver(shop.db, user.id)
	]);
	if (!creator || !gift) return { message: 'That gift is not available. Reload the page.' };
	// A gift larger than the user chose to allow without a second look: ask first.
	if (threshold !== null && gift.coins > threshold && !form.confirmed) {
		return {
			confirm: {
				giftId: gift.id,
				giftName: gift.name,
				emoji: gift.emoji,
				coins: gift.coins,
				creatorName: creator.display_name,
				threshold,
				idempotencyKey: form.idempotencyKey
			}
		};
	}
	// The balance is checked by purchase.authorize, under the account's lock: a check here
	// could pass for several gifts at once and spend the same coins twice.
	const settlement = await flow.run(
		shop.api,
		{
			// One page can send several different gifts; each gets its own key.
			idempotencyKey: keyFor(user, `${form.idempotencyKey}:${gift.id}`),
			accountId: user.id,
			kind: 'gift',
			coins: gift.coins,
			creatorId: creator.id,
			packageId: gift.id,
			channel: 'app'
		},
		null
	);
	return {
		item: {
			kind: 'gift',
			coins: gift.coins,
			giftName: gift.name,
			emoji: gift.emoji,
			creatorName: creator.display_name
		},
		settlement,
		balance: await catalogue.balance(shop.db, user.id)
	};
}

export const followForm = z.object({ authorizationId: id('Reload the page and try again.') });

/**
 * The outcome of the user's purchase that waited for a guardian: after an approval it is paid
 * (with the method chosen when asking) and credited here, as the purchase flow would.
 */
export async function follow(
	shop: ShopContext,
	user: SessionUser,
	authorizationId: string
): Promise<Outcome | Refusal> {
	const actor = await access.userActor(shop.db, user);
	const found = await access
		.require(shop.db, actor, 'purchase.read', authorizationId)
		.then(() => true)
		.catch((error: unknown) => {
			if (error instanceof access.NotFoundError) return false;
			throw error;
		});
	if (!found) return { message: 'That purchase was not found. Reload the page.' };
	const auth = await shop.db
		.selectFrom('authorizations')
		.select([
			'kind',
			'coins',
			'price_amount',
			'currency',
			'payment_method',
			'package_id',
			'creator_id'
		])
		.where('id', '=', authorizationId)
		.executeTakeFirstOrThrow();
	const pay: flow.Pay =
		auth.kind === 'recharge' && auth.price_amount !== null && auth.currency !== null
			? () =>
					payment.charge({
						amount: auth.price_amount!,
						currency: auth.currency!,
						method: (auth.payment_method ?? 'card') as payment.PaymentMethod,
						idempotencyKey: authorizationId,
						simulateFailure: false
					})
			: null;
	const settlement = await flow.follow(shop.api, authorizationId, pay);
	return {
		item: await itemOf(shop.db, auth),
		settlement,
		balance: await catalogue.balance(shop.db, user.id)
	};
}

async function itemOf(
	db: Kysely<DB>,
	auth: {
		kind: 'recharge' | 'gift';
		coins: number;
		package_id: string | null;
		creator_id: string | null;
	}
): Promise<Item> {
	if (auth.kind === 'recharge') return { kind: 'recharge', coins: auth.coins };
	const [gift, creator] = await Promise.all([
		auth.package_id ? catalogue.gift(db, auth.package_id) : undefined,
		auth.creator_id
			? db
					.selectFrom('creators')
					.select('display_name')
					.where('id', '=', auth.creator_id)
					.executeTakeFirst()
			: undefined
	]);
	return {
		kind: 'gift',
		coins: auth.coins,
		giftName: gift?.name ?? 'A gift',
		emoji: gift?.emoji ?? '🎁',
		creatorName: creator?.display_name ?? auth.creator_id ?? 'the creator'
	};
}
