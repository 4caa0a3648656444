import { beforeAll, expect, it, vi } from 'vitest';
import { loosenMinor } from '../../../../tests/support/family';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { authorizeInput } from '$lib/schemas/purchase';
import * as access from '../access';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import { writeTransaction } from '../db/transaction';
import * as approvals from '../approvals';
import * as family from '../family';
import * as holds from '../ledger/holds';
import * as limits from '../policy/limits';
import type { NewLimit } from '../policy/limits';
import * as notify from '.';
import { record } from './record';

const T = Date.parse('2026-11-18T15:00:00Z');
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

describeEachDatabase('notices about minors', (ctx) => {
	let flow: ApiKeySummary;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		const { key } = await apiKeys.create(db(), unique('flow'));
		flow = (await apiKeys.authenticate(db(), key))!;
	});

	async function person(displayName: string, isMinor = false) {
		const account = await accounts.create(db(), {
			email: `${unique('p')}@example.com`,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		return account.id;
	}

	/** Two guardians and a minor in one family. */
	async function household() {
		const [ana, ben, kit] = [await person('Ana'), await person('Ben'), await person('Kit', true)];
		await family.link(db(), ana, kit, T - 20_000);
		await family.link(db(), ben, kit, T - 10_000);
		// Recharges no longer wait by default: each test's own limits decide what is asked.
		await loosenMinor(db(), ana, kit, { rules: { giftingAllowed: true } });
		return { ana, ben, kit };
	}

	function limit(account: string, by: string, rule: Partial<NewLimit>) {
		return limits.add(
			db(),
			account,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'month',
				amount: 1000,
				currency: null,
				creatorId: null,
				action: 'block',
				...rule
			},
			{ role: 'guardian', accountId: by },
			T - 5000
		);
	}

	const recharge = (accountId: string, coins: number, at = T) =>
		holds.authorize(
			ctx.database,
			flow,
			authorizeInput.parse({
				idempotencyKey: unique('idem'),
				accountId,
				kind: 'recharge',
				coins,
				price: { amount: coins * 2, currency: 'USD' },
				channel: 'web',
				paymentMethod: 'card'
			}),
			at
		);

	const inbox = async (accountId: string) =>
		(await notify.inbox.list(db(), accountId)).map((n) => `${n.kind}: ${n.text}`);

	it('a removal tells every other guardian and the one removed, not the guardian who did it', async () => {
		const { ana, ben, kit } = await household();
		const before = { ana: await inbox(ana), ben: await inbox(ben), kit: await inbox(kit) };
		const actor = await access.userActor(db(), { id: ana, isMinor: false });
		await family.removeMinor(db(), actor, kit);
		const told = "member_removed: Ana removed the child Kit from Ana's family.";
		expect(await inbox(ben)).toEqual([told, ...before.ben]);
		expect(await inbox(kit)).toEqual([told, ...before.kit]);
		expect(await inbox(ana)).toEqual(before.ana);
	});

	it('a request tells every guardian; the answer tells the minor and the other guardian who decided', async () => {
		const { ana, ben, kit } = await household();
		await limit(kit, ana, { period: 'purchase', amount: 100, action: 'approval' });
		const asked = await recharge(kit, 700);
		expect(asked.decision).toBe('pending_approval');
		const request = 'approval_requested: Kit asks to buy 700 coins for $14.00 on the web.';
		expect(await inbox(ana)).toEqual([request]);
		expect(await inbox(ben)).toEqual([request]);
		expect(await inbox(kit)).toEqual([]);

		const actor = await access.userActor(db(), { id: ben, isMinor: false });
		await approvals.decide(
			ctx.database,
			actor,
			{ approvalId: asked.approvalId!, decision: 'deny', note: 'Not this week' },
			T + 1000
		);
		const answer =
			"approval_decided: Ben denied Kit's request for 700 coins for $14.00. Note: “Not this week”";
		expect(await inbox(kit)).toEqual([answer]);
		expect(await inbox(ana)).toEqual([answer, request]);
		expect(await notify.inbox.unreadCount(db(), ana)).toBe(2);
		// The one who decided has it on record, already read (so their other pages move), and
		// the request they answered no longer counts as unread.
		expect(await inbox(ben)).toEqual([
			"approval_decided: You denied Kit's request for 700 coins for $14.00. Note: “Not this week”",
			request
		]);
		expect(await notify.inbox.unreadCount(db(), ben)).toBe(0);
	});

	it('an unanswered request that expires tells the minor and every guardian', async () => {
		const { ana, ben, kit } = await household();
		await limit(kit, ana, { period: 'purchase', amount: 100, action: 'approval' });
		const asked = await recharge(kit, 300);
		await holds.sweep(ctx.database, Date.parse(asked.expiresAt!) + 1);
		const expired =
			"approval_expired: Nobody answered Kit's request for 300 coins for $6.00 in time, so it expired.";
		expect(await inbox(kit)).toEqual([expired]);
		expect((await inbox(ana))[0]).toBe(expired);
		expect((await inbox(ben))[0]).toBe(expired);
	});

	it('tells guardians once when a cap reaches 80 % and once at 100 %, per period', async () => {
		const { ana, ben, kit } = await household();
		await limit(kit, ana, { amount: 1000 });
		await recharge(kit, 700); // 70 %: nothing yet
		expect(await inbox(ana)).toEqual([]);
		const held = await recharge(kit, 150, T + 1); // 85 %
		const eighty = 'cap_reached: Kit has used 80 % of the cap of 1,000 coins bought a month.';
		expect(await inbox(ana)).toEqual([eighty]);
		// Released and bought again: the crossing happens twice, the notice once.
		await holds.voidHold(ctx.database, flow, held.authorizationId, T + 2);
		await recharge(kit, 150, T + 3);
		expect(await inbox(ana)).toEqual([eighty]);
		await recharge(kit, 150, T + 4); // exactly 100 %
		const full = 'cap_reached: Kit has reached the cap of 1,000 coins bought a month.';
		expect(await inbox(ana)).toEqual([full, eighty]);
		expect(await inbox(ben)).toEqual([full, eighty]);
		// A decline adds nothing to the totals and tells nothing.
		expect((await recharge(kit, 10, T + 5)).decision).toBe('declined');
		expect(await inbox(ana)).toHaveLength(2);
		// Next month is a new period.
		await recharge(kit, 1000, Date.parse('2026-12-02T10:00:00Z'));
		expect((await inbox(ana))[0]).toBe(full);
		expect(await inbox(ana)).toHaveLength(3);
		// Kit hears of the same limit at the shares of their own (50, 80, 100 % by default).
		const own = (share: number) =>
			share >= 100
				? 'cap_reached: You have reached the cap of 1,000 coins bought a month.'
				: `cap_reached: You have used ${share} % of the cap of 1,000 coins bought a month.`;
		expect(await inbox(kit)).toEqual([own(100), own(100), own(80), own(50)]);
	});

	it('a jump past both shares in one purchase tells 100 % only, and 80 % never afterwards', async () => {
		const { ana, kit } = await household();
		await limit(kit, ana, { period: 'week', amount: 200 });
		await recharge(kit, 200);
		expect(await inbox(ana)).toEqual([
			'cap_reached: Kit has reached the cap of 200 coins bought a week.'
		]);
	});

	it("an adult's own limit tells the adult alone, at the highest share reached", async () => {
		const { ana, ben } = await household();
		await limit(ana, ana, { amount: 100 });
		await recharge(ana, 90);
		expect(await inbox(ana)).toEqual([
			'cap_reached: You have used 80 % of the cap of 100 coins bought a month.'
		]);
		expect(await inbox(ben)).toEqual([]);
	});

	it('the shares a holder chose alert once each per period, and none when they chose none', async () => {
		const ada = await person('Ada');
		const chosen = await limit(ada, ada, { amount: 1000, alertThresholds: [25, 60] });
		await limit(ada, ada, { amount: 5000, alertThresholds: [] });
		const at = (share: number) =>
			`cap_reached: You have used ${share} % of the cap of 1,000 coins bought a month.`;
		await recharge(ada, 200); // 20 %
		expect(await inbox(ada)).toEqual([]);
		const held = await recharge(ada, 100, T + 1); // 30 %
		expect(await inbox(ada)).toEqual([at(25)]);
		await holds.voidHold(ctx.database, flow, held.authorizationId, T + 2);
		await recharge(ada, 100, T + 3); // 30 % again: told already this period
		expect(await inbox(ada)).toEqual([at(25)]);
		await recharge(ada, 500, T + 4); // 80 %: past 60 (and 80, 100 are not hers)
		expect(await inbox(ada)).toEqual([at(60), at(25)]);
		const rows = await db()
			.selectFrom('cap_alerts')
			.select(['threshold', 'period_key'])
			.where('limit_id', '=', chosen.id)
			.orderBy('threshold')
			.execute();
		expect(rows).toEqual([
			{ threshold: 25, period_key: 'month:2026-11' },
			{ threshold: 60, period_key: 'month:2026-11' }
		]);
		// A new month: told again.
		await recharge(ada, 300, Date.parse('2026-12-03T10:00:00Z'));
		expect((await inbox(ada))[0]).toBe(at(25));
	});

	it('a decline for a blocked channel or blocked purchases tells the guardians; other declines do not', async () => {
		const { ana, ben, kit } = await household();
		const declined = async (code: string, id: string) => {
			await writeTransaction(ctx.database, async (trx) => {
				await trx
					.insertInto('authorizations')
					.values({
						id,
						account_id: kit,
						api_key_id: flow.id,
						idempotency_key: id,
						fingerprint: 'f',
						kind: 'recharge',
						coins: 350,
						price_amount: 499,
						currency: 'USD',
						creator_id: null,
						package_id: null,
						channel: 'third_party',
						payment_method: null,
						status: 'declined',
						decision: 'declined',
						reasons: JSON.stringify([{ code, message: '' }]),
						response: '{}',
						day_key: 'day:2026-11-18',
						week_key: 'week:2026-W47',
						month_key: 'month:2026-11',
						created_at: T,
						expires_at: null,
						settled_at: T
					})
					.execute();
				const row = await trx
					.selectFrom('authorizations')
					.selectAll()
					.where('id', '=', id)
					.executeTakeFirstOrThrow();
				await notify.afterAuthorize(trx, {
					account: { is_minor: 1, time_zone: 'UTC' },
					row,
					approvalId: undefined,
					request: {
						kind: 'recharge',
						coins: 350,
						price: null,
						creatorId: null,
						channel: 'third_party'
					},
					rules: [],
					running: new Map(),
					now: T
				});
			});
		};
		await declined('channel_not_allowed', unique('auth'));
		await declined('purchases_blocked', unique('auth'));
		await declined('monthly_limit', unique('auth'));
		const expected = [
			'channel_declined: Kit tried to buy 350 coins for $4.99; it was declined because purchases are blocked for their account.',
			'channel_declined: Kit tried to buy 350 coins for $4.99; it was declined because buying from a third-party seller is not allowed for them.'
		];
		expect((await inbox(ana)).sort()).toEqual(expected.sort());
		expect((await inbox(ben)).sort()).toEqual(expected.sort());
	});

	it('notices exist only when their transaction commits, and wake live streams only then', async () => {
		const { ana, kit } = await household();
		let woken = 0;
		const stop = notify.live.subscribe(ana, () => woken++);
		const data = {
			kind: 'approval_expired' as const,
			approvalId: 'appr_x',
			minor: { id: kit, name: 'Kit' },
			purchase: {
				authorizationId: 'auth_x',
				kind: 'recharge' as const,
				coins: 65,
				price: null,
				channel: 'app' as const,
				creatorName: null
			}
		};
		await expect(
			writeTransaction(ctx.database, async (trx) => {
				await record(trx, [ana], data, T);
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(await inbox(ana)).toEqual([]);
		expect(woken).toBe(0);
		await writeTransaction(ctx.database, (trx) => record(trx, [ana], data, T));
		expect(await inbox(ana)).toHaveLength(1);
		expect(woken).toBe(1);
		stop();
	});

	it('mark-read touches only the reader', async () => {
		const { ana, ben, kit } = await household();
		await limit(kit, ana, { period: 'purchase', amount: 100, action: 'approval' });
		await recharge(kit, 300);
		const [notice] = await notify.inbox.list(db(), ana);
		await notify.inbox.markRead(db(), ben, notice!.id, T + 10); // not Ben's: nothing
		expect(await notify.inbox.unreadCount(db(), ana)).toBe(1);
		await notify.inbox.markRead(db(), ana, notice!.id, T + 10);
		expect(await notify.inbox.unreadCount(db(), ana)).toBe(0);
		expect(await notify.inbox.unreadCount(db(), ben)).toBe(1);
		expect(await notify.inbox.markAllRead(db(), ben, T + 11)).toBe(1);
		expect(await notify.inbox.unreadCount(db(), ben)).toBe(0);
	});

	it('the e-mail outbox sends each notice once, tries a failure again later, and gives up after the last try', async () => {
		process.env.SMTP_URL = 'smtp://127.0.0.1:1';
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		try {
			const { ana, kit } = await household();
			await limit(kit, ana, { period: 'purchase', amount: 100, action: 'approval' });
			await recharge(kit, 300); // Ana and Ben: two e-mails waiting
			const sent: notify.email.Message[] = [];
			const up = async (message: notify.email.Message) => void sent.push(message);
			const down = async () => {
				throw new Error('connect ECONNREFUSED 127.0.0.1:1');
			};
			expect(await notify.email.sendDue(ctx.database, T + 1, down)).toBe(0);
			// Not due again yet: nothing is tried.
			expect(await notify.email.sendDue(ctx.database, T + 2, up)).toBe(0);
			expect(await notify.email.sendDue(ctx.database, T + 1 + 30_000, up)).toBe(2);
			expect(sent.map((m) => m.subject)).toEqual([
				'Kit asks for your approval',
				'Kit asks for your approval'
			]);
			expect(sent[0]!.text).toContain('Kit asks to buy 300 coins for $6.00 on the web.');
			expect(await notify.email.sendDue(ctx.database, T + 10 * 60_000, up)).toBe(0);
			expect(sent).toHaveLength(2);

			await recharge(kit, 400, T + 100);
			let at = T + 100;
			for (let attempt = 1; attempt <= notify.email.MAX_ATTEMPTS; attempt++) {
				expect(await notify.email.sendDue(ctx.database, at, down)).toBe(0);
				at += 30_000 * 2 ** (attempt - 1);
			}
			const rows = await db()
				.selectFrom('notifications')
				.select(['email_status', 'email_attempts'])
				.where('created_at', '=', T + 100)
				.where('account_id', '=', ana)
				.execute();
			expect(rows).toEqual([{ email_status: 'failed', email_attempts: notify.email.MAX_ATTEMPTS }]);
			expect(await notify.email.sendDue(ctx.database, at + 3_600_000, up)).toBe(0);
			// One plain line per failed try.
			expect(logged.mock.calls.at(-1)).toEqual([
				expect.stringMatching(
					/^e-mail for notification ntf_\w+ failed \(attempt 4 of 4, giving up\): connect ECONNREFUSED 127\.0\.0\.1:1$/
				)
			]);
		} finally {
			logged.mockRestore();
			delete process.env.SMTP_URL;
		}
	});
});
