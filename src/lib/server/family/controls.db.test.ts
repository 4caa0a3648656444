import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput, type AuthorizeRequest } from '$lib/schemas/purchase';
import { MINOR_RULES, NO_RULES, standingApprovalInput } from '$lib/schemas/rules';
import * as access from '../access';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as approvals from '../approvals';
import * as holds from '../ledger/holds';
import * as family from '.';

const { controls } = family;
// A Thursday, 15:00 in London.
const T = Date.parse('2026-11-26T15:00:00Z');
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

describeEachDatabase('a minor’s controls', (ctx) => {
	let flow: ApiKeySummary;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('flow'));
		flow = (await apiKeys.authenticate(db(), key))!;
	});

	async function person(name: string, isMinor = false) {
		const account = await accounts.create(
			db(),
			{
				email: `${unique(name.toLowerCase())}@example.com`,
				displayName: name,
				password: 'a long enough passphrase',
				timeZone: 'Europe/London',
				currency: 'GBP',
				isMinor
			},
			T - 60_000
		);
		await db()
			.updateTable('accounts')
			.set({ coin_balance: 5000 })
			.where('id', '=', account.id)
			.execute();
		return account;
	}

	const actor = (id: string, isMinor = false) => access.userActor(db(), { id, isMinor });

	async function household() {
		const parent = await person('Parent');
		const kid = await person('Kid', true);
		const familyId = await family.link(db(), parent.id, kid.id, T - 50_000);
		return { parent, kid, familyId, guardian: await actor(parent.id) };
	}

	const buy = (accountId: string, input: Partial<AuthorizeRequest> = {}, now = T) =>
		holds.authorize(
			ctx.database,
			flow,
			authorizeInput.parse({
				idempotencyKey: unique('idem'),
				accountId,
				kind: 'recharge',
				coins: 700,
				price: { amount: 699, currency: 'GBP' },
				...input
			}),
			now
		);
	const gift = (accountId: string, coins: number, creatorId = 'c-ada', now = T) =>
		buy(accountId, { kind: 'gift', coins, creatorId, price: undefined }, now);
	const codes = (answer: { reasons: { code: string }[] }) => answer.reasons.map((r) => r.code);

	it('a minor starts safe, and cannot buy at all before a guardian sets up the family', async () => {
		const alone = await person('Alone', true);
		const blocked = await buy(alone.id);
		expect(blocked.decision).toBe('declined');
		expect(blocked.reasons[0]).toMatchObject({ code: 'purchases_blocked', cause: 'no_guardian' });
		expect(blocked.reasons[0]!.message).toMatch(/guardian must set up the family/);

		const { kid } = await household();
		expect(await buy(kid.id)).toMatchObject({ decision: 'pending_approval' });
		expect(codes(await gift(kid.id, 10))).toEqual(['minor_gifting_disabled']);
		const card = await buy(kid.id, { channel: 'gift_card' });
		expect(card.decision).toBe('declined');
		expect(codes(card)).toContain('channel_not_allowed');
		expect(codes(await buy(kid.id, { channel: 'third_party' }))).toContain('channel_not_allowed');
		// The guardian hears of each blocked channel, and of the request.
		const told = await db()
			.selectFrom('notifications')
			.select('kind')
			.innerJoin('family_members', 'family_members.account_id', 'notifications.account_id')
			.where('family_members.role', '=', 'guardian')
			.where('notifications.data', 'like', `%${kid.id}%`)
			.execute();
		expect(told.map((t) => t.kind).sort()).toEqual([
			'approval_requested',
			'channel_declined',
			'channel_declined'
		]);
		// An adult is open by default.
		const adult = await person('Adult');
		expect(await buy(adult.id, { channel: 'gift_card' })).toMatchObject({ decision: 'approved' });
	});

	it('a guardian loosens and tightens; the log keeps before and after; the minor and other families cannot', async () => {
		const { kid, familyId, guardian, parent } = await household();
		const other = await household();
		const loose = { rules: { ...NO_RULES }, asks: { recharge: false, gift: false } };
		const before = await controls.view(db(), guardian, kid.id, T);
		expect(before.rules).toEqual(MINOR_RULES);
		expect(before.asks).toEqual({ recharge: true, gift: false });
		expect(controls.isLoosening(before, loose)).toBe(true);

		for (const who of [await actor(kid.id, true), other.guardian]) {
			await expect(controls.setRules(db(), who, kid.id, loose, T)).rejects.toBeInstanceOf(
				access.NotFoundError
			);
		}
		expect(await controls.view(db(), guardian, kid.id, T)).toMatchObject({ rules: MINOR_RULES });

		await controls.setRules(db(), guardian, kid.id, loose, T);
		expect(await buy(kid.id, { channel: 'gift_card' })).toMatchObject({ decision: 'approved' });
		expect(await gift(kid.id, 10)).toMatchObject({ decision: 'approved' });

		const log = await family.audit.list(db(), familyId);
		const entry = log.find((e) => e.action === 'rules.changed');
		// Turning "ask before every recharge" off ended that limit, logged on its own too.
		expect(log.find((e) => e.action === 'limit.removed')).toMatchObject({ actor_id: parent.id });
		expect(entry).toMatchObject({
			action: 'rules.changed',
			actor_id: parent.id,
			subject_id: kid.id
		});
		expect(JSON.parse(entry!.before!)).toMatchObject({
			giftingAllowed: false,
			asks: { recharge: true }
		});
		expect(JSON.parse(entry!.after!)).toMatchObject({
			giftingAllowed: true,
			asks: { recharge: false }
		});

		await controls.setRules(
			db(),
			guardian,
			kid.id,
			{ ...loose, rules: { ...NO_RULES, purchasesBlocked: true } },
			T
		);
		expect(await buy(kid.id)).toMatchObject({
			decision: 'declined',
			reasons: [expect.objectContaining({ code: 'purchases_blocked', cause: 'guardian' })]
		});
	});

	it('quiet hours stop purchases in the minor’s own evening, and end when they say', async () => {
		const { kid, guardian } = await household();
		const quietHours = { start: 21 * 60, end: 7 * 60 };
		await controls.setRules(
			db(),
			guardian,
			kid.id,
			{ rules: { ...NO_RULES, quietHours }, asks: { recharge: false, gift: false } },
			T
		);
		const late = Date.parse('2026-11-26T21:30:00Z');
		const quiet = await buy(kid.id, {}, late);
		expect(quiet).toMatchObject({ decision: 'declined' });
		expect(quiet.reasons[0]).toMatchObject({
			code: 'quiet_hours',
			resetsAt: '2026-11-27T07:00:00.000Z'
		});
		expect(await buy(kid.id, {}, Date.parse('2026-11-27T07:00:00Z'))).toMatchObject({
			decision: 'approved'
		});
	});

	it('a standing approval lets gifts to its creators through up to its coins, and counts them', async () => {
		const { kid, guardian } = await household();
		await controls.setRules(
			db(),
			guardian,
			kid.id,
			{ rules: { ...MINOR_RULES, giftingAllowed: true }, asks: { recharge: true, gift: true } },
			T
		);
		const standing = await controls.addStanding(
			db(),
			guardian,
			kid.id,
			standingApprovalInput.parse({
				appliesTo: 'gift',
				period: 'week',
				coins: 500,
				creators: 'c-ada, c-bob'
			}),
			T
		);
		const first = await gift(kid.id, 300);
		expect(first).toMatchObject({ decision: 'approved', reasons: [] });
		await holds.capture(ctx.database, flow, first.authorizationId, T);
		expect(await gift(kid.id, 200, 'c-bob')).toMatchObject({ decision: 'approved' });
		// Used up for the week; another creator was never covered.
		expect(await gift(kid.id, 1)).toMatchObject({ decision: 'pending_approval' });
		expect(await gift(kid.id, 10, 'c-cy')).toMatchObject({ decision: 'pending_approval' });
		// A new week starts afresh (Monday in London).
		const monday = Date.parse('2026-11-30T09:00:00Z');
		expect(await gift(kid.id, 500, 'c-ada', monday)).toMatchObject({ decision: 'approved' });

		// A void gives its coins back to the standing approval.
		const week3 = Date.parse('2026-12-07T09:00:00Z');
		const voided = await gift(kid.id, 500, 'c-ada', week3);
		expect(voided.decision).toBe('approved');
		expect(await gift(kid.id, 500, 'c-ada', week3)).toMatchObject({ decision: 'pending_approval' });
		await holds.voidHold(ctx.database, flow, voided.authorizationId, week3);
		expect(await gift(kid.id, 500, 'c-ada', week3)).toMatchObject({ decision: 'approved' });

		await controls.endStanding(db(), guardian, kid.id, standing.id, T);
		expect(await gift(kid.id, 1, 'c-ada', Date.parse('2026-12-14T09:00:00Z'))).toMatchObject({
			decision: 'pending_approval'
		});
		const other = await household();
		await expect(
			controls.endStanding(db(), other.guardian, kid.id, standing.id, T)
		).rejects.toBeInstanceOf(access.NotFoundError);
	});

	it('gifts arriving at once never pass more than the standing approval allows', async () => {
		const { kid, guardian } = await household();
		await controls.setRules(
			db(),
			guardian,
			kid.id,
			{ rules: { ...MINOR_RULES, giftingAllowed: true }, asks: { recharge: true, gift: true } },
			T
		);
		await controls.addStanding(
			db(),
			guardian,
			kid.id,
			standingApprovalInput.parse({ appliesTo: 'gift', period: 'day', coins: 500 }),
			T
		);
		const answers = await Promise.all(Array.from({ length: 12 }, () => gift(kid.id, 100)));
		expect(answers.filter((a) => a.decision === 'approved')).toHaveLength(5);
		expect(answers.filter((a) => a.decision === 'pending_approval')).toHaveLength(7);
	});

	it('an approval is refused when a guardian has blocked purchases since the request', async () => {
		const { kid, guardian } = await household();
		const asked = await buy(kid.id);
		expect(asked.decision).toBe('pending_approval');
		await controls.setRules(
			db(),
			guardian,
			kid.id,
			{ rules: { ...MINOR_RULES, purchasesBlocked: true }, asks: { recharge: true, gift: false } },
			T + 1000
		);
		await expect(
			approvals.decide(
				ctx.database,
				guardian,
				{ approvalId: asked.approvalId!, decision: 'approve' },
				T + 2000
			)
		).rejects.toMatchObject({
			code: 'CONFLICT',
			message: expect.stringMatching(/blocked all purchases/)
		});
		expect(await holds.get(ctx.database, flow, asked.authorizationId)).toMatchObject({
			status: 'pending_approval'
		});
	});
});
