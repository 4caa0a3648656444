import { authorizeInput } from '$lib/schemas/purchase';
import { MINOR_RULES, standingApprovalInput } from '$lib/schemas/rules';
import * as access from '../access';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import * as approvals from '../approvals';
import type { Database } from '../db';
import * as family from '../family';
import * as holds from '../ledger/holds';
import * as accountRules from '../policy/account-rules';
import { DEMO_LOGINS } from './seed';

// The demo's family, made after its history through the same services people use: Sam, the
// guardian, and Mia, 15, in one family; Mia's safe defaults, with gifts allowed but each one
// asked, and a standing approval for her two favourite creators; a few requests Sam answered,
// one he let through by standing approval, and one waiting for him now.

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

const emailOf = (role: 'guardian' | 'minor') => DEMO_LOGINS.find((l) => l.role === role)!.email;

/** Adds the demo family once; false when there is no demo, or it has its family already. */
export async function seedFamily(database: Database, now = Date.now()): Promise<boolean> {
	const { db } = database;
	const [sam, mia] = await Promise.all([
		accounts.findByEmail(db, emailOf('guardian')),
		accounts.findByEmail(db, emailOf('minor'))
	]);
	if (!sam || !mia || (await family.familyOf(db, mia.id))) return false;

	const joined = now - 20 * DAY;
	// As if Mia's account had been made a minor's from the start, then joined Sam's family.
	await accountRules.startSafe(db, mia.id, joined);
	await family.link(db, sam.id, mia.id, joined);
	const guardian = await access.userActor(db, { id: sam.id, isMinor: false });
	await family.controls.setRules(
		db,
		guardian,
		mia.id,
		{ rules: { ...MINOR_RULES, giftingAllowed: true }, asks: { recharge: true, gift: true } },
		joined + HOUR
	);
	const favourites = await db
		.selectFrom('ledger_entries')
		.innerJoin('creators', 'creators.id', 'ledger_entries.creator_id')
		.select(['creators.handle', (eb) => eb.fn.sum<number>('ledger_entries.coins').as('coins')])
		.where('ledger_entries.account_id', '=', mia.id)
		.where('ledger_entries.kind', '=', 'gift')
		.groupBy('creators.handle')
		.orderBy('coins', 'desc')
		.limit(2)
		.execute();
	await family.controls.addStanding(
		db,
		guardian,
		mia.id,
		standingApprovalInput.parse({
			appliesTo: 'gift',
			period: 'week',
			coins: 300,
			creators: favourites.map((f) => f.handle).join(',')
		}),
		joined + HOUR
	);

	// The purchase flow that asked: a key of its own, revoked once the history is written.
	const { id: keyId, key } = await apiKeys.create(db, 'demo purchase flow (seed)', {}, joined);
	const flow = (await apiKeys.authenticate(db, key, joined))!;
	const packs = await db
		.selectFrom('coin_packs')
		.selectAll()
		.where('currency', '=', mia.currency)
		.orderBy('coins')
		.limit(2)
		.execute();
	let n = 0;
	const recharge = (packIndex: number, at: number) => {
		const pack = packs[packIndex] ?? packs[0]!;
		return holds.authorize(
			database,
			flow,
			authorizeInput.parse({
				idempotencyKey: `demo-family-${++n}`,
				accountId: mia.id,
				kind: 'recharge',
				coins: pack.coins,
				price: { amount: pack.price_amount, currency: pack.currency },
				packageId: pack.id,
				channel: 'app',
				paymentMethod: 'card'
			}),
			at
		);
	};
	const answer = (approvalId: string, decision: 'approve' | 'deny', note: string, at: number) =>
		approvals.decide(database, guardian, { approvalId, decision, note }, at);

	const approved = await recharge(1, now - 6 * DAY);
	await answer(approved.approvalId!, 'approve', 'OK: birthday money.', now - 6 * DAY + 40 * 60_000);
	await holds.capture(database, flow, approved.authorizationId, now - 6 * DAY + 41 * 60_000);

	const denied = await recharge(1, now - 3 * DAY);
	await answer(
		denied.approvalId!,
		'deny',
		'Not again this week. Let us talk.',
		now - 3 * DAY + 2 * HOUR
	);

	// Inside the standing approval: no request, straight through.
	if (favourites[0]?.handle) {
		const gift = await holds.authorize(
			database,
			flow,
			authorizeInput.parse({
				idempotencyKey: `demo-family-${++n}`,
				accountId: mia.id,
				kind: 'gift',
				coins: 100,
				creatorId: favourites[0].handle,
				channel: 'app'
			}),
			now - 2 * DAY
		);
		if (gift.decision === 'approved') {
			await holds.capture(database, flow, gift.authorizationId, now - 2 * DAY + 60_000);
		}
	}

	// And one waiting for Sam now.
	await recharge(0, now - 20 * 60_000);
	await apiKeys.revoke(db, keyId, undefined, now);
	return true;
}
