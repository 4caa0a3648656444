import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	decide as decideFully,
	type DecisionContext,
	type LimitRule,
	type Outcome,
	type PurchaseRequest as FullRequest,
	type Totals,
	type Wallet
} from './decide';
import { REASON_CODES } from '$lib/schemas/reasons';
import type { Channel } from '$lib/schemas/purchase';
import { MINOR_RULES, NO_RULES } from '$lib/schemas/rules';

// Most cases here are about limits: an adult's purchase through the app, with no other rules.
type PurchaseRequest = Omit<FullRequest, 'channel'> & { channel?: Channel };
type Context = Omit<DecisionContext, 'rules' | 'minor' | 'standing'> & Partial<DecisionContext>;
function decide(
	request: PurchaseRequest,
	limits: readonly LimitRule[],
	totals: Totals,
	context: Context
) {
	return decideFully({ channel: 'app', ...request }, limits, totals, {
		rules: NO_RULES,
		minor: null,
		standing: [],
		...context
	});
}

// The oracle below works out periods with Intl (not Luxon, which the engine uses) and checks
// every answer against the plain meaning of a limit: used + amount > limit, in that period.

const ZONES = [
	'UTC',
	'America/New_York',
	'Europe/Berlin',
	'Asia/Tokyo',
	'Australia/Sydney',
	'Asia/Kolkata',
	'Pacific/Chatham',
	// DST changes at midnight: some days start at 01:00, some midnights happen twice.
	'America/Santiago',
	'America/Havana',
	'Atlantic/Azores'
] as const;
const CREATORS = ['c-ada', 'c-bob', 'c-cy'] as const;
const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;
type Period = 'day' | 'week' | 'month';

const formatters = new Map<string, Intl.DateTimeFormat>();
function localDate(zone: string, at: number): { y: number; m: number; d: number } {
	let format = formatters.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric'
		});
		formatters.set(zone, format);
	}
	const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
	return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The name of the period `at` falls in, in the zone: `day:2026-03-29`, `week:2026-W13`, `month:2026-03`. */
function periodName(period: Period, zone: string, at: number): string {
	const { y, m, d } = localDate(zone, at);
	if (period === 'day') return `day:${y}-${pad(m)}-${pad(d)}`;
	if (period === 'month') return `month:${y}-${pad(m)}`;
	// ISO week: the week belongs to the year of its Thursday.
	const date = new Date(Date.UTC(y, m - 1, d));
	const weekday = date.getUTCDay() || 7;
	date.setUTCDate(d + 4 - weekday);
	const isoYear = date.getUTCFullYear();
	const week = Math.ceil(((date.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000 + 1) / 7);
	return `week:${isoYear}-W${pad(week)}`;
}

function scopeOf(limit: LimitRule): string {
	if (limit.metric === 'money') return `money:${limit.currency}`;
	return limit.creatorId ? `creator:${limit.creatorId}` : 'coins';
}

interface Case {
	zone: string;
	now: number;
	wallet: Wallet;
	request: PurchaseRequest;
	limits: LimitRule[];
	totals: Map<string, number>;
}

function applies(limit: LimitRule, request: PurchaseRequest): boolean {
	return (
		limit.appliesTo === request.kind &&
		(limit.creatorId === null || limit.creatorId === request.creatorId)
	);
}

/** Whether the purchase would pass this limit, worked out from scratch. */
function exceeds(limit: LimitRule, c: Case): boolean {
	if (!applies(limit, c.request)) return false;
	if (limit.metric === 'money' && c.request.price?.currency !== limit.currency) return true;
	const used =
		limit.period === 'purchase'
			? 0
			: (c.totals.get(`${periodName(limit.period, c.zone, c.now)}|${scopeOf(limit)}`) ?? 0);
	const amount = limit.metric === 'money' ? c.request.price!.amount : c.request.coins;
	return used + amount > limit.amount;
}

/** Whether a gift is larger than the balance less the gifts on hold. */
function short(c: Case): boolean {
	return c.request.kind === 'gift' && c.request.coins > c.wallet.balance - c.wallet.onHold;
}

const codes: Record<LimitRule['period'], string> = {
	purchase: 'per_purchase_limit',
	day: 'daily_limit',
	week: 'weekly_limit',
	month: 'monthly_limit'
};

function expectedCode(limit: LimitRule): string {
	if (limit.creatorId)
		return limit.amount === 0 && limit.action === 'block' ? 'creator_blocked' : 'creator_limit';
	return codes[limit.period];
}

const run = (c: Case): Outcome =>
	decide(c.request, c.limits, c.totals, { now: c.now, timeZone: c.zone, wallet: c.wallet });

// Instants near the edges that matter: local midnights, Mondays, month ends and DST changes.
const edges = [
	'2026-03-03T04:59:59Z', // 23:59:59 in New York
	'2026-03-08T07:00:00Z', // New York springs forward
	'2026-11-01T06:00:00Z', // New York falls back
	'2026-03-29T01:00:00Z', // Berlin springs forward
	'2026-03-29T22:00:00Z', // midnight after Berlin's 23-hour day
	'2026-10-25T01:00:00Z', // Berlin falls back
	'2026-10-25T23:00:00Z', // midnight after Berlin's 25-hour day
	'2026-11-23T05:00:00Z', // Monday 00:00 in New York
	'2026-12-31T15:00:00Z', // New Year in Tokyo
	'2026-10-31T13:00:00Z', // November 1st in Sydney
	'2027-01-01T00:00:00Z',
	'2026-09-06T04:00:00Z', // Santiago springs forward at midnight
	'2026-04-05T03:00:00Z', // Santiago falls back at midnight
	'2026-03-08T05:00:00Z', // Havana springs forward at midnight
	'2026-03-29T01:00:00Z', // Azores springs forward at midnight
	'2026-10-25T01:00:00Z' // Azores falls back to a second midnight
].map(Date.parse);

const nowArb = fc.oneof(
	fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
	fc
		.constantFrom(...edges)
		.chain((edge) => fc.integer({ min: edge - 2 * 3_600_000, max: edge + 2 * 3_600_000 })),
	fc.constantFrom(...edges).chain((edge) => fc.integer({ min: edge - 1500, max: edge + 1500 }))
);

// Small numbers, so that purchases land on, just under and just over limits often.
const small = fc.integer({ min: 0, max: 120 });
const coinsArb = fc.oneof(
	{ weight: 4, arbitrary: fc.integer({ min: 1, max: 120 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) }
);

const requestArb: fc.Arbitrary<PurchaseRequest> = fc.record({
	kind: fc.constantFrom('recharge' as const, 'gift' as const),
	coins: coinsArb,
	price: fc.option(fc.record({ amount: small, currency: fc.constantFrom(...CURRENCIES) }), {
		nil: null,
		freq: 5
	}),
	creatorId: fc.option(fc.constantFrom(...CREATORS), { nil: null, freq: 4 })
});

const limitArb = (id: number): fc.Arbitrary<LimitRule> =>
	fc
		.record({
			appliesTo: fc.constantFrom('recharge' as const, 'gift' as const),
			metric: fc.constantFrom('coins' as const, 'money' as const),
			period: fc.constantFrom(
				'purchase' as const,
				'day' as const,
				'week' as const,
				'month' as const
			),
			amount: fc.oneof(
				{ weight: 1, arbitrary: fc.constant(0) },
				{ weight: 8, arbitrary: fc.integer({ min: 0, max: 250 }) }
			),
			currency: fc.constantFrom(...CURRENCIES),
			creatorId: fc.option(fc.constantFrom(...CREATORS), { nil: null, freq: 3 }),
			action: fc.constantFrom('block' as const, 'approval' as const, 'warn' as const)
		})
		.map((l) => ({
			...l,
			id: `lim-${id}`,
			currency: l.metric === 'money' ? l.currency : null,
			creatorId: l.metric === 'money' ? null : l.creatorId
		}));

const limitsArb = fc
	.integer({ min: 0, max: 5 })
	.chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => limitArb(i))));

const scopes = [
	'coins',
	...CREATORS.map((c) => `creator:${c}`),
	...CURRENCIES.map((c) => `money:${c}`)
];

const caseArb: fc.Arbitrary<Case> = fc
	.record({
		zone: fc.constantFrom(...ZONES),
		now: nowArb,
		request: requestArb,
		limits: limitsArb,
		used: fc.array(fc.option(fc.integer({ min: 0, max: 250 }), { nil: null }), {
			minLength: scopes.length * 3,
			maxLength: scopes.length * 3
		}),
		stale: fc.integer({ min: 1, max: 1000 }),
		// Mostly enough coins, so that the limits decide; sometimes too few, or a balance
		// already below what is on hold.
		wallet: fc.oneof(
			{ weight: 3, arbitrary: fc.constant({ balance: 20_000_000, onHold: 0 }) },
			{
				weight: 2,
				arbitrary: fc.record({
					balance: fc.integer({ min: -50, max: 300 }),
					onHold: fc.integer({ min: 0, max: 300 })
				})
			}
		)
	})
	.map(({ zone, now, request, limits, used, stale, wallet }) => {
		const totals = new Map<string, number>();
		// What was spent in an earlier period must not count in this one.
		const before = now - 40 * 86_400_000;
		(['day', 'week', 'month'] as const).forEach((period, p) => {
			const current = periodName(period, zone, now);
			const earlier = periodName(period, zone, before);
			scopes.forEach((scope, s) => {
				const value = used[p * scopes.length + s];
				if (value !== null && value !== undefined) totals.set(`${current}|${scope}`, value);
				totals.set(`${earlier}|${scope}`, stale);
			});
		});
		return { zone, now, wallet, request, limits: [...limits], totals };
	});

// decide() costs most of a millisecond (Luxon windows, Intl formatting of the reset time), so
// the main property checks everything about one decision per case; the comparisons that need
// a second decision run fewer cases.
describe('decide: properties over random limits, totals and requests', () => {
	it('declines on a passed block, asks for approval only without one, and every reason is true', () => {
		const rank = { block: 0, approval: 1, warn: 2 };
		fc.assert(
			fc.property(caseArb, (c) => {
				const { decision, hits } = run(c);
				const exceeded = c.limits.filter((l) => exceeds(l, c));

				// An approval (or a request for one) never leads past a block limit, nor spends
				// coins the account does not have.
				if (decision !== 'declined') {
					expect(exceeded.filter((l) => l.action === 'block')).toEqual([]);
					expect(short(c)).toBe(false);
				}
				const expected =
					short(c) || exceeded.some((l) => l.action === 'block')
						? 'declined'
						: exceeded.some((l) => l.action === 'approval')
							? 'pending_approval'
							: 'approved';
				expect(decision).toBe(expected);

				// Every applicable exceeded limit is reported, and nothing else; blocks first, the
				// balance first of all.
				const limitHits = hits.filter((h) => h.limitId !== null);
				expect(limitHits.map((h) => h.limitId).sort()).toEqual(exceeded.map((l) => l.id).sort());
				const ranks = hits.map((h) => rank[h.action]);
				expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
				expect(hits.length - limitHits.length).toBe(short(c) ? 1 : 0);

				for (const hit of hits) {
					if (hit.limitId === null) {
						expect(hit).toBe(hits[0]);
						const available = Math.max(0, c.wallet.balance - c.wallet.onHold);
						expect(hit.action).toBe('block');
						expect(hit.reason).toMatchObject({
							code: 'insufficient_balance',
							coins: { needed: c.request.coins, available, ...c.wallet }
						});
						expect(hit.reason.resetsAt).toBeUndefined();
						continue;
					}
					const limit = c.limits.find((l) => l.id === hit.limitId)!;
					expect(hit.action).toBe(limit.action);
					expect(hit.reason.code).toBe(expectedCode(limit));
					expect(REASON_CODES).toContain(hit.reason.code);
					if (limit.period === 'purchase' || hit.reason.code === 'creator_blocked') {
						expect(hit.reason.resetsAt).toBeUndefined();
						continue;
					}
					// resetsAt is the end of the period: its last instant is still in the current
					// period (in the account's zone), resetsAt itself is not.
					const resetsAt = Date.parse(hit.reason.resetsAt!);
					expect(new Date(resetsAt).toISOString()).toBe(hit.reason.resetsAt);
					const current = periodName(limit.period, c.zone, c.now);
					expect(periodName(limit.period, c.zone, resetsAt - 1)).toBe(current);
					expect(periodName(limit.period, c.zone, resetsAt)).not.toBe(current);
					expect(hit.reason.message).toContain(`(${c.zone}).`);
				}
			}),
			{ numRuns: 2000 }
		);
	});

	it('warn limits never change the decision, they only add reasons', () => {
		fc.assert(
			fc.property(caseArb, (c) => {
				const withWarnings = run(c);
				const without = run({ ...c, limits: c.limits.filter((l) => l.action !== 'warn') });
				expect(withWarnings.decision).toBe(without.decision);
				expect(withWarnings.hits.filter((h) => h.action !== 'warn')).toEqual(without.hits);
				const warned = c.limits.filter((l) => l.action === 'warn' && exceeds(l, c));
				expect(withWarnings.hits.filter((h) => h.action === 'warn')).toHaveLength(warned.length);
			}),
			{ numRuns: 300 }
		);
	});

	it('a smaller purchase is never treated worse than a larger one', () => {
		const worse = { approved: 0, pending_approval: 1, declined: 2 };
		fc.assert(
			fc.property(caseArb, fc.integer({ min: 1, max: 120 }), (c, less) => {
				const smaller = { ...c.request, coins: Math.max(1, c.request.coins - less) };
				const big = run(c).decision;
				const small = run({ ...c, request: smaller }).decision;
				expect(worse[small]).toBeLessThanOrEqual(worse[big]);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('decide: examples', () => {
	// Enough coins for any gift here: these examples are about limits.
	const wallet = { balance: 1_000_000, onHold: 0 };
	const gift = (coins: number, creatorId = 'c-ada'): PurchaseRequest => ({
		kind: 'gift',
		coins,
		price: null,
		creatorId
	});
	const limit = (rule: Partial<LimitRule>): LimitRule => ({
		id: 'lim-1',
		appliesTo: 'gift',
		metric: 'coins',
		period: 'day',
		amount: 100,
		currency: null,
		creatorId: null,
		action: 'block',
		...rule
	});
	const noon = Date.parse('2026-03-29T10:00:00Z'); // Berlin's 23-hour day

	it('declines with the day total, the limit and a reset at local midnight on a DST day', () => {
		const totals = new Map([['day:2026-03-29|coins', 70]]);
		const { decision, hits } = decide(gift(40), [limit({})], totals, {
			now: noon,
			timeZone: 'Europe/Berlin',
			wallet
		});
		expect(decision).toBe('declined');
		expect(hits.map((h) => h.reason)).toEqual([
			{
				code: 'daily_limit',
				message:
					'This would take the coins given in gifts today to 110 coins, over the limit of 100 coins, so it is declined. It resets on Mon, 30 Mar 2026, 00:00 (Europe/Berlin).',
				resetsAt: '2026-03-29T22:00:00.000Z',
				limit: {
					appliesTo: 'gift',
					metric: 'coins',
					period: 'day',
					amount: 100,
					currency: null,
					creatorId: null,
					action: 'block',
					used: 70,
					requested: 40,
					timeZone: 'Europe/Berlin'
				}
			}
		]);
	});

	it('resets at the next local midnight on a day that starts at 01:00 (Santiago DST)', () => {
		// On 6 September 2026 Santiago's clocks jump from 00:00 to 01:00; the 7th starts at 00:00.
		const now = Date.parse('2026-09-06T15:00:00Z');
		const totals = new Map([['day:2026-09-06|coins', 100]]);
		const { hits } = decide(gift(1), [limit({})], totals, {
			now,
			timeZone: 'America/Santiago',
			wallet
		});
		expect(hits[0]!.reason.resetsAt).toBe('2026-09-07T03:00:00.000Z'); // 00:00 at UTC-3
	});

	it('explains recharge limits in coins and in money in plain sentences', () => {
		const context = { now: noon, timeZone: 'UTC', wallet };
		const request: PurchaseRequest = {
			kind: 'recharge',
			coins: 700,
			price: { amount: 699, currency: 'USD' },
			creatorId: null
		};
		const coins = limit({ appliesTo: 'recharge', period: 'month', amount: 1000 });
		const money = limit({
			id: 'lim-2',
			appliesTo: 'recharge',
			metric: 'money',
			currency: 'USD',
			period: 'purchase',
			amount: 500,
			action: 'approval'
		});
		const totals = new Map([['month:2026-03|coins', 400]]);
		expect(decide(request, [coins, money], totals, context).hits.map((h) => h.reason)).toEqual([
			{
				code: 'monthly_limit',
				message:
					'This would take the coins bought this month to 1,100 coins, over the limit of 1,000 coins, so it is declined. It resets on Wed, 1 Apr 2026, 00:00 (UTC).',
				resetsAt: '2026-04-01T00:00:00.000Z',
				limit: {
					appliesTo: 'recharge',
					metric: 'coins',
					period: 'month',
					amount: 1000,
					currency: null,
					creatorId: null,
					action: 'block',
					used: 400,
					requested: 700,
					timeZone: 'UTC'
				}
			},
			{
				code: 'per_purchase_limit',
				message:
					'This purchase is $6.99, over the limit of $5.00 per purchase, so a guardian must approve it.',
				limit: {
					appliesTo: 'recharge',
					metric: 'money',
					period: 'purchase',
					amount: 500,
					currency: 'USD',
					creatorId: null,
					action: 'approval',
					used: 0,
					requested: 699,
					timeZone: 'UTC'
				}
			}
		]);
	});

	it('allows exactly up to the limit', () => {
		const totals = new Map([['day:2026-03-29|coins', 60]]);
		const outcome = decide(gift(40), [limit({})], totals, {
			now: noon,
			timeZone: 'Europe/Berlin',
			wallet
		});
		expect(outcome).toEqual({ decision: 'approved', hits: [], standingApprovalId: null });
	});

	it('lists every limit passed, blocks first, with a warning riding on an approval', () => {
		const limits = [
			limit({ id: 'warn', action: 'warn', amount: 10 }),
			limit({ id: 'week', period: 'week', amount: 30, action: 'approval' }),
			limit({ id: 'each', period: 'purchase', amount: 20 })
		];
		const declined = decide(gift(50), limits, new Map(), { now: noon, timeZone: 'UTC', wallet });
		expect(declined.decision).toBe('declined');
		expect(declined.hits.map((h) => [h.limitId, h.reason.code])).toEqual([
			['each', 'per_purchase_limit'],
			['week', 'weekly_limit'],
			['warn', 'daily_limit']
		]);
		expect(declined.hits[0]!.reason.resetsAt).toBeUndefined();
		expect(declined.hits[1]!.reason.resetsAt).toBe('2026-03-30T00:00:00.000Z'); // Monday

		const warned = decide(gift(15), limits, new Map(), { now: noon, timeZone: 'UTC', wallet });
		expect(warned.decision).toBe('approved');
		expect(warned.hits.map((h) => h.reason.code)).toEqual(['daily_limit']);
		expect(warned.hits[0]!.reason.message).toContain('past the warning level you set');
	});

	it('blocks gifts to a blocked creator without a reset, and leaves other creators alone', () => {
		const blocked = limit({ creatorId: 'c-bob', amount: 0 });
		const toBob = decide(gift(1, 'c-bob'), [blocked], new Map(), {
			now: noon,
			timeZone: 'UTC',
			wallet
		});
		expect(toBob.decision).toBe('declined');
		expect(toBob.hits[0]!.reason).toEqual({
			code: 'creator_blocked',
			message: 'Gifts to this creator are blocked.',
			limit: {
				appliesTo: 'gift',
				metric: 'coins',
				period: 'day',
				amount: 0,
				currency: null,
				creatorId: 'c-bob',
				action: 'block',
				used: 0,
				requested: 1,
				timeZone: 'UTC'
			}
		});
		const toAda = decide(gift(1, 'c-ada'), [blocked], new Map(), {
			now: noon,
			timeZone: 'UTC',
			wallet
		});
		expect(toAda.decision).toBe('approved');
	});

	it('treats a price in another currency as over a money limit', () => {
		const money = limit({
			appliesTo: 'recharge',
			metric: 'money',
			currency: 'EUR',
			amount: 100_000
		});
		const request: PurchaseRequest = {
			kind: 'recharge',
			coins: 100,
			price: { amount: 99, currency: 'USD' },
			creatorId: null
		};
		const outcome = decide(request, [money], new Map(), { now: noon, timeZone: 'UTC', wallet });
		expect(outcome.decision).toBe('declined');
		expect(outcome.hits[0]!.reason.message).toContain(
			'This limit is in EUR and the price is in USD'
		);
		const euros = decide(
			{ ...request, price: { amount: 99, currency: 'EUR' } },
			[money],
			new Map([['day:2026-03-29|money:EUR', 99_950]]),
			{ now: noon, timeZone: 'UTC', wallet }
		);
		expect(euros.hits[0]!.reason.message).toContain('to €1,000.49, over the limit of €1,000.00');
	});

	it('declines a gift larger than the balance less the gifts on hold, with the numbers', () => {
		const context = { now: noon, timeZone: 'UTC' };
		const outcome = decide(gift(30), [limit({ action: 'warn', amount: 10 })], new Map(), {
			...context,
			wallet: { balance: 65, onHold: 60 }
		});
		expect(outcome.decision).toBe('declined');
		expect(outcome.hits.map((h) => [h.limitId, h.action, h.reason])).toEqual([
			[
				null,
				'block',
				{
					code: 'insufficient_balance',
					message:
						'This gift needs 30 coins and 5 are available (65 in the balance, 60 on hold for other gifts).',
					coins: { needed: 30, available: 5, balance: 65, onHold: 60 }
				}
			],
			['lim-1', 'warn', expect.objectContaining({ code: 'daily_limit' })]
		]);

		const nothingHeld = decide(gift(30), [], new Map(), {
			...context,
			wallet: { balance: 1, onHold: 0 }
		});
		expect(nothingHeld.hits[0]!.reason.message).toBe(
			'This gift needs 30 coins and 1 is available.'
		);
		// A balance already below what is on hold has nothing available, not a negative amount.
		const overdrawn = decide(gift(1), [], new Map(), {
			...context,
			wallet: { balance: -235, onHold: 0 }
		});
		expect(overdrawn.hits[0]!.reason.coins).toEqual({
			needed: 1,
			available: 0,
			balance: -235,
			onHold: 0
		});
	});

	it('lets a gift spend exactly the coins available, and a recharge needs no balance', () => {
		const context = { now: noon, timeZone: 'UTC', wallet: { balance: 65, onHold: 35 } };
		expect(decide(gift(30), [], new Map(), context)).toEqual({
			decision: 'approved',
			hits: [],
			standingApprovalId: null
		});
		expect(decide(gift(31), [], new Map(), context).decision).toBe('declined');
		const recharge: PurchaseRequest = {
			kind: 'recharge',
			coins: 1000,
			price: { amount: 999, currency: 'USD' },
			creatorId: null
		};
		const empty = { ...context, wallet: { balance: 0, onHold: 0 } };
		expect(decide(recharge, [], new Map(), empty)).toEqual({
			decision: 'approved',
			hits: [],
			standingApprovalId: null
		});
	});

	it('declines a short gift even where a limit would only ask a guardian', () => {
		const outcome = decide(gift(50), [limit({ action: 'approval', amount: 10 })], new Map(), {
			now: noon,
			timeZone: 'UTC',
			wallet: { balance: 20, onHold: 0 }
		});
		expect(outcome.decision).toBe('declined');
		expect(outcome.hits.map((h) => h.reason.code)).toEqual(['insufficient_balance', 'daily_limit']);
	});
});

describe('decide: rules beyond amounts, and standing approvals', () => {
	const wallet = { balance: 10_000, onHold: 0 };
	// 22:30 in London on a Thursday in November (UTC+0).
	const late = Date.parse('2026-11-26T22:30:00Z');
	const recharge: PurchaseRequest = {
		kind: 'recharge',
		coins: 700,
		price: { amount: 699, currency: 'GBP' },
		creatorId: null
	};
	const gift = (creatorId: string, coins = 100): PurchaseRequest => ({
		kind: 'gift',
		coins,
		price: null,
		creatorId
	});
	const minor = { hasGuardian: true };
	const context = { now: late, timeZone: 'Europe/London', wallet, minor };
	const everyRecharge: LimitRule = {
		id: 'lim-every',
		appliesTo: 'recharge',
		metric: 'coins',
		period: 'purchase',
		amount: 0,
		currency: null,
		creatorId: null,
		action: 'approval'
	};
	const codes = (o: Outcome) => o.hits.map((h) => h.reason.code);

	it('blocks a minor without a guardian, whatever else is allowed', () => {
		const outcome = decide(recharge, [], new Map(), { ...context, minor: { hasGuardian: false } });
		expect(outcome.decision).toBe('declined');
		expect(outcome.hits[0]!.reason).toMatchObject({
			code: 'purchases_blocked',
			cause: 'no_guardian'
		});
	});

	it("keeps a minor's defaults: gifts off, gift cards and sellers off, recharges asked", () => {
		const rules = MINOR_RULES;
		expect(codes(decide(gift('c-ada'), [], new Map(), { ...context, rules }))).toEqual([
			'minor_gifting_disabled'
		]);
		const card = decide({ ...recharge, channel: 'gift_card' }, [everyRecharge], new Map(), {
			...context,
			rules
		});
		expect(card.decision).toBe('declined');
		expect(codes(card)).toEqual(['channel_not_allowed', 'per_purchase_limit']);
		const app = decide(recharge, [everyRecharge], new Map(), { ...context, rules });
		expect(app.decision).toBe('pending_approval');
		expect(app.hits[0]!.reason.message).toBe("Every recharge needs a guardian's approval.");
	});

	it('pauses purchases in quiet hours across midnight, in the account’s zone, and says when they end', () => {
		const rules = { ...NO_RULES, quietHours: { start: 21 * 60, end: 7 * 60 } };
		const quiet = decide(recharge, [], new Map(), { ...context, rules });
		expect(quiet.decision).toBe('declined');
		expect(quiet.hits[0]!.reason).toMatchObject({
			code: 'quiet_hours',
			resetsAt: '2026-11-27T07:00:00.000Z'
		});
		// 22:30 in London is 09:30 in Sydney: not quiet there.
		expect(
			decide(recharge, [], new Map(), { ...context, rules, timeZone: 'Australia/Sydney' }).decision
		).toBe('approved');
		const morning = Date.parse('2026-11-27T07:00:00Z');
		expect(decide(recharge, [], new Map(), { ...context, rules, now: morning }).decision).toBe(
			'approved'
		);
	});

	it('passes what a standing approval covers, and only that', () => {
		const standing = [
			{
				id: 'st-1',
				appliesTo: 'gift',
				period: 'week',
				coins: 500,
				creatorIds: ['c-ada', 'c-bob'],
				used: 350
			}
		] as const;
		const approvalLimit: LimitRule = { ...everyRecharge, id: 'lim-g', appliesTo: 'gift' };
		const rules = NO_RULES;
		const inside = decide(gift('c-ada', 150), [approvalLimit], new Map(), {
			...context,
			rules,
			standing
		});
		expect(inside).toEqual({ decision: 'approved', hits: [], standingApprovalId: 'st-1' });
		const over = decide(gift('c-ada', 151), [approvalLimit], new Map(), {
			...context,
			rules,
			standing
		});
		expect(over).toMatchObject({ decision: 'pending_approval', standingApprovalId: null });
		const other = decide(gift('c-cy', 10), [approvalLimit], new Map(), {
			...context,
			rules,
			standing
		});
		expect(other.decision).toBe('pending_approval');
		// A block is never waved through.
		const blocked = decide(gift('c-ada', 10), [approvalLimit], new Map(), {
			...context,
			rules: MINOR_RULES,
			standing
		});
		expect(blocked).toMatchObject({ decision: 'declined', standingApprovalId: null });
	});

	it('never lets a standing approval pass more than its coins, nor pass a block', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 1000 }),
				fc.integer({ min: 0, max: 1200 }),
				fc.integer({ min: 1, max: 1000 }),
				fc.boolean(),
				(cap, used, coins, gifting) => {
					const standing = [
						{
							id: 's',
							appliesTo: 'gift' as const,
							period: 'day' as const,
							coins: cap,
							creatorIds: null,
							used
						}
					];
					const approvalLimit: LimitRule = { ...everyRecharge, appliesTo: 'gift' };
					const rules = { ...NO_RULES, giftingAllowed: gifting };
					const outcome = decide(gift('c-ada', coins), [approvalLimit], new Map(), {
						...context,
						rules,
						standing
					});
					if (!gifting) return outcome.decision === 'declined';
					if (outcome.standingApprovalId !== null) return used + coins <= cap;
					return outcome.decision === 'pending_approval' && used + coins > cap;
				}
			)
		);
	});
});

describe('decide: rollover of unspent budget', () => {
	// 10 November 2026, noon in Berlin: this month is 2026-11, the one before 2026-10.
	const now = Date.parse('2026-11-10T11:00:00Z');
	const wallet = { balance: 0, onHold: 0 };
	const monthly = (rollover: LimitRule['rollover']): LimitRule => ({
		id: 'lim-r',
		appliesTo: 'recharge',
		metric: 'coins',
		period: 'month',
		amount: 1000,
		currency: null,
		creatorId: null,
		action: 'block',
		rollover
	});
	const buy = (coins: number, limit: LimitRule, totals: [string, number][]) =>
		decide({ kind: 'recharge', coins, price: null, creatorId: null }, [limit], new Map(totals), {
			now,
			timeZone: 'Europe/Berlin',
			wallet
		});
	const october = (used: number): [string, number] => ['month:2026-10|coins', used];
	const november = (used: number): [string, number] => ['month:2026-11|coins', used];

	it('without a rollover, last month leaving 600 unspent changes nothing', () => {
		expect(buy(1001, monthly(null), [october(400)]).decision).toBe('declined');
		expect(buy(1000, monthly(null), [october(400)]).decision).toBe('approved');
	});

	it('carries what last month left, capped by the percentage', () => {
		const limit = monthly({ percent: 50, amount: null });
		// 600 left, at most 500 (50 % of 1,000) carried: 1,500 this month.
		expect(buy(1500, limit, [october(400)]).decision).toBe('approved');
		const over = buy(1501, limit, [october(400)]);
		expect(over.decision).toBe('declined');
		expect(over.hits[0]!.reason).toMatchObject({ limit: { amount: 1500, used: 0 } });
		// 100 left: 100 carried.
		expect(buy(1101, limit, [october(900)]).decision).toBe('declined');
		expect(buy(1100, limit, [october(900)]).decision).toBe('approved');
	});

	it('is capped by the amount too, and the smaller cap wins', () => {
		const limit = monthly({ percent: 50, amount: 200 });
		expect(buy(1200, limit, [october(0)]).decision).toBe('approved');
		expect(buy(1201, limit, [october(0)]).decision).toBe('declined');
	});

	it("counts this month's spending against the limit plus the carry", () => {
		const limit = monthly({ percent: null, amount: 300 });
		expect(buy(300, limit, [october(0), november(1000)]).decision).toBe('approved');
		expect(buy(301, limit, [october(0), november(1000)]).decision).toBe('declined');
	});

	it('carries nothing from a month that went over (a limit raised since, say)', () => {
		const limit = monthly({ percent: 100, amount: null });
		expect(buy(1001, limit, [october(1400)]).decision).toBe('declined');
	});

	it('property: the carry never exceeds its caps nor what was left', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 3000 }),
				fc.option(fc.integer({ min: 0, max: 100 })),
				fc.option(fc.integer({ min: 0, max: 2000 })),
				fc.integer({ min: 1, max: 5000 }),
				(used, percent, amount, coins) => {
					const limit = monthly({ percent, amount });
					// Neither cap set: no rollover at all.
					const capped = percent !== null || amount !== null;
					const allowed =
						1000 +
						(!capped
							? 0
							: Math.min(
									Math.max(0, 1000 - used),
									percent === null ? Infinity : Math.floor((1000 * percent) / 100),
									amount ?? Infinity
								));
					const outcome = buy(coins, limit, [october(used)]);
					expect(outcome.decision).toBe(coins <= allowed ? 'approved' : 'declined');
				}
			)
		);
	});
});
