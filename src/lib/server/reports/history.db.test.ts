import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import {
	recordAuthorizations,
	recordHistory,
	type PastEntry
} from '../../../../tests/support/ledger';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import { parseFilters, type HistoryFilters } from '$lib/schemas/history';
import * as csv from './csv';
import * as history from './history';

const ZONE = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
// 2026-10-31 23:30 in Paris (UTC+1): still October there, November in UTC+2 zones.
const HALLOWEEN_LATE = at('2026-10-31T22:30:00Z');
const TIE = at('2026-11-10T12:00:00Z');

describeEachDatabase('history view', (ctx) => {
	let account = '';
	const db = () => ctx.database.db;

	beforeAll(async () => {
		const owner = await accounts.create(db(), {
			email: 'history@example.com',
			displayName: 'History',
			password: 'a passphrase that is long',
			timeZone: ZONE,
			currency: 'EUR'
		});
		account = owner.id;
		const flow = await apiKeys.create(db(), 'flow');
		await db()
			.insertInto('creators')
			.values([
				{
					id: 'cr_formula',
					handle: null,
					display_name: '=HYPERLINK("http://x","y")',
					first_seen_at: 0
				},
				{ id: 'cr_luna', handle: 'lunabeats', display_name: 'Luna, "the" Beats', first_seen_at: 0 }
			])
			.execute();
		await recordAuthorizations(db(), account, flow.id, [
			{
				id: 'auth_d1',
				status: 'declined',
				kind: 'recharge',
				coins: 500,
				price: { amount: 999, currency: 'USD' },
				channel: 'third_party',
				at: at('2026-11-15T10:00:00Z')
			},
			{
				id: 'auth_p1',
				status: 'pending_approval',
				kind: 'gift',
				coins: 500,
				creatorId: 'cr_luna',
				at: TIE
			}
		]);
		const gift = (id: string, when: number, more: Partial<PastEntry> = {}): PastEntry => ({
			id,
			kind: 'gift',
			coins: -10,
			creatorId: 'cr_luna',
			at: when,
			...more
		});
		// With the running totals, as every capture keeps them (the unfiltered view reads them).
		await recordHistory(db(), account, [
			{
				id: 'led_r1',
				kind: 'recharge',
				coins: 350,
				price: { amount: 499, currency: 'USD' },
				paymentMethod: 'card',
				at: HALLOWEEN_LATE
			},
			{
				id: 'led_r2',
				kind: 'recharge',
				coins: 70,
				price: { amount: 109, currency: 'EUR' },
				channel: 'web',
				paymentMethod: 'paypal',
				at: at('2026-11-01T08:00:00Z')
			},
			gift('led_ta', TIE),
			gift('led_tb', TIE, { creatorId: 'cr_formula', coins: -5 }),
			gift('led_tc', TIE),
			gift('led_g9', at('2026-11-20T09:00:00Z'), { coins: -100 })
		]);
	});

	const all = async (filters: HistoryFilters = {}, limit = 100) =>
		(await history.page(db(), account, { filters, timeZone: ZONE, limit })).rows.map((r) => r.id);

	it('lists ledger entries and open authorizations newest first, ties by id', async () => {
		expect(await all()).toEqual([
			'led_g9',
			'auth_d1',
			'led_tc',
			'led_tb',
			'led_ta',
			'auth_p1',
			'led_r2',
			'led_r1'
		]);
	});

	it('pages by keyset through ties, with no row twice or missed, and stops on the last page', async () => {
		for (const size of [1, 2, 3, 7, 8]) {
			const seen: string[] = [];
			let before: history.Cursor | null = null;
			let pages = 0;
			for (;;) {
				const { rows, next } = await history.page(db(), account, {
					timeZone: ZONE,
					limit: size,
					before
				});
				seen.push(...rows.map((r) => r.id));
				pages++;
				if (!next) break;
				before = next;
			}
			expect(seen).toEqual(await all());
			expect(pages).toBe(Math.ceil(8 / size));
		}
	});

	it('filters by each filter alone', async () => {
		expect(await all({ kind: 'recharge' })).toEqual(['auth_d1', 'led_r2', 'led_r1']);
		expect(await all({ status: 'declined' })).toEqual(['auth_d1']);
		expect(await all({ status: 'pending_approval' })).toEqual(['auth_p1']);
		expect(await all({ status: 'captured', kind: 'recharge' })).toEqual(['led_r2', 'led_r1']);
		expect(await all({ channel: 'web' })).toEqual(['led_r2']);
		expect(await all({ channel: 'third_party' })).toEqual(['auth_d1']);
		expect(await all({ method: 'card' })).toEqual(['led_r1']);
		expect(await all({ creator: 'cr_formula' })).toEqual(['led_tb']);
		expect(await all({ q: 'HYPERlink' })).toEqual(['led_tb']);
		expect(await all({ q: 'lunab' })).toEqual(['led_g9', 'led_tc', 'led_ta', 'auth_p1']);
		// A % in the search is a character, not a wildcard.
		expect(await all({ q: '%' })).toEqual([]);
	});

	it('cuts dates in the account time zone, the To day included', async () => {
		// 23:30 on 31 October in Paris belongs to October.
		expect(await all({ to: '2026-10-31' })).toEqual(['led_r1']);
		expect(await all({ from: '2026-11-01', to: '2026-11-01' })).toEqual(['led_r2']);
		expect(await all({ from: '2026-11-15' })).toEqual(['led_g9', 'auth_d1']);
	});

	it('combines filters', async () => {
		expect(await all({ kind: 'gift', q: 'luna', from: '2026-11-10', to: '2026-11-10' })).toEqual([
			'led_tc',
			'led_ta',
			'auth_p1'
		]);
		expect(
			await all({ kind: 'gift', status: 'captured', creator: 'cr_luna', to: '2026-11-10' })
		).toEqual(['led_tc', 'led_ta']);
	});

	it('totals the whole filtered set, money per currency', async () => {
		const all = await history.totals(db(), account, { timeZone: ZONE });
		expect(all).toEqual({
			count: 8,
			coinsIn: 420,
			coinsOut: 125,
			paid: [
				{ currency: 'USD', amount: 499 },
				{ currency: 'EUR', amount: 109 }
			]
		});
		// The same figures read from the ledger rows: a filter that keeps every row.
		const wide = await history.totals(db(), account, {
			timeZone: ZONE,
			filters: { to: '2030-01-01' }
		});
		expect(wide).toEqual(all);
		const gifts = await history.totals(db(), account, {
			timeZone: ZONE,
			filters: { kind: 'gift' }
		});
		expect(gifts).toEqual({ count: 5, coinsIn: 0, coinsOut: 125, paid: [] });
	});

	it('exports exactly the rows of the view, quoted, formulas neutralised', async () => {
		const read = async (filters: HistoryFilters) => {
			const stream = csv.stream(db(), account, { filters, timeZone: ZONE }, 2);
			return parse(await new Response(stream).text(), { columns: true }) as Record<
				string,
				string
			>[];
		};
		const gifts = await read({ kind: 'gift' });
		expect(gifts.map((r) => r.id)).toEqual(await all({ kind: 'gift' }));
		const tb = gifts.find((r) => r.id === 'led_tb')!;
		expect(tb.creator_name).toBe(`'=HYPERLINK("http://x","y")`);
		expect(tb.coins).toBe('-5');
		expect(gifts.find((r) => r.id === 'led_ta')!.creator_name).toBe('Luna, "the" Beats');
		const recharges = await read({ kind: 'recharge', status: 'captured' });
		expect(recharges.map((r) => [r.id, r.amount, r.currency, r.date])).toEqual([
			['led_r2', '1.09', 'EUR', '2026-11-01T09:00:00.000+01:00'],
			['led_r1', '4.99', 'USD', '2026-10-31T23:30:00.000+01:00']
		]);
		expect(await read({ channel: 'gift_card' })).toEqual([]);
	});
});

describe('history filters from a query string', () => {
	it('names the filter that is wrong', () => {
		const bad = (q: string) => {
			const parsed = parseFilters(new URLSearchParams(q));
			return parsed.ok ? null : parsed.message;
		};
		expect(bad('kind=refund')).toMatch(/^Kind must be/);
		expect(bad('status=lost')).toMatch(/^Status must be/);
		expect(bad('channel=<script>')).toMatch(/^Channel must be/);
		expect(bad('from=2026-02-30')).toMatch(/^From must be a date/);
		expect(bad('to=yesterday')).toMatch(/^To must be a date/);
		expect(bad('from=2026-11-02&to=2026-11-01')).toBe('From must be on or before To.');
		expect(bad(`q=${'x'.repeat(101)}`)).toMatch(/^Search must be at most 100/);
		expect(bad('kind=&status=&q=+')).toBeNull();
	});
});
