import type { Kysely } from 'kysely';
import type { Authorization, DB } from '../db/schema';
import { newId } from '../ids';
import * as costs from '../costs';
import * as states from './states';
import * as totals from './totals';
import { holdTtl } from './ttl';

/** A guardian's answer, written on the approval request. */
export interface Answer {
	decidedBy: string;
	note: string | null;
}

/**
 * Moves an authorization (and its approval request) as the table says, with conditional
 * UPDATEs, and moves its totals to match. Call it inside the account's lock, with the row as
 * read there. Null when the table refuses or another writer moved it first: nothing changed.
 */
export async function apply(
	trx: Kysely<DB>,
	auth: Authorization,
	operation: states.Operation,
	now: number,
	answer?: Answer
): Promise<Authorization | null> {
	const move = states.transition(auth.status, operation);
	if (!move) return null;
	const next = states.after(auth, move, now, holdTtl());
	const moved = await trx
		.updateTable('authorizations')
		.set(next)
		.where('id', '=', auth.id)
		.where('status', '=', auth.status)
		.executeTakeFirst();
	if (moved.numUpdatedRows === 0n) return null;
	if (move.approval) {
		const decided = await trx
			.updateTable('approval_requests')
			.set({
				status: states.approvalTransition('pending', move.approval)!,
				decided_at: now,
				...(answer ? { decided_by: answer.decidedBy, note: answer.note } : {})
			})
			.where('authorization_id', '=', auth.id)
			.where('status', '=', 'pending')
			.executeTakeFirst();
		// The two move together; one without the other is a broken invariant: roll back.
		if (decided.numUpdatedRows === 0n) {
			throw new Error(`authorization ${auth.id} is ${auth.status} but its request is not pending`);
		}
	}
	const done = { ...auth, ...next };
	if (move.totals === 'release') {
		await totals.move(trx, auth.account_id, auth, { held: -1, captured: 0 });
	} else if (move.totals === 'capture') {
		await totals.move(trx, auth.account_id, auth, { held: -1, captured: 1 });
		await writeLedgerEntry(trx, done);
	}
	return done;
}

/** A capture: the purchase enters the ledger and the balance. */
async function writeLedgerEntry(trx: Kysely<DB>, auth: Authorization): Promise<void> {
	const signed = auth.kind === 'recharge' ? auth.coins : -auth.coins;
	const [pack, gift] = await Promise.all([
		auth.kind === 'recharge' && auth.package_id
			? trx
					.selectFrom('coin_packs')
					.select('id')
					.where('id', '=', auth.package_id)
					.executeTakeFirst()
			: undefined,
		auth.kind === 'gift' && auth.package_id
			? trx.selectFrom('gifts').select('id').where('id', '=', auth.package_id).executeTakeFirst()
			: undefined
	]);
	const id = newId('led');
	await trx
		.insertInto('ledger_entries')
		.values({
			id,
			account_id: auth.account_id,
			kind: auth.kind,
			coins: signed,
			price_amount: auth.price_amount,
			currency: auth.currency,
			creator_id: auth.creator_id,
			gift_id: gift?.id ?? null,
			pack_id: pack?.id ?? null,
			channel: auth.channel,
			payment_method: auth.payment_method,
			authorization_id: auth.id,
			// The purchase happened when it was authorized; its totals count in that period too.
			occurred_at: auth.created_at
		})
		.execute();
	await trx
		.updateTable('accounts')
		.set((eb) => ({ coin_balance: eb('coin_balance', '+', signed) }))
		.where('id', '=', auth.account_id)
		.execute();
	// Its real-money cost (a recharge's lot, a gift's FIFO cost) moves with it.
	await costs.record(
		trx,
		{ ...auth, id, coins: auth.coins, occurred_at: auth.created_at },
		{ day_key: auth.day_key, month_key: auth.month_key }
	);
}
