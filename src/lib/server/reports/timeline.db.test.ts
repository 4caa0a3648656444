import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { recordHistory } from '../../../../tests/support/ledger';
import * as accounts from '../accounts';
import * as creatorReports from './creators';
import * as timeline from './timeline';

const T = Date.parse('2026-11-10T12:00:00Z');

describeEachDatabase('creator gift timeline', (ctx) => {
	const db = () => ctx.database.db;
	let account = '';
	/** The 12 gifts to Luna, newest first, as the timeline must list them. */
	let expected: string[] = [];

	async function newAccount(email: string) {
		const { id } = await accounts.create(db(), {
			email,
			displayName: 'Timeline',
			password: 'a passphrase that is long',
			timeZone: 'UTC',
			currency: 'USD'
		});
		return id;
	}

	async function give(accountId: string, gifts: { id: string; at: number; creator?: string }[]) {
		await recordHistory(db(), accountId, [
			{
				id: `${gifts[0]!.id}_paid`,
				kind: 'recharge',
				coins: 10_000,
				price: { amount: 9_999, currency: 'USD' },
				at: T - 86_400_000
			},
			...gifts.map((g) => ({
				id: g.id,
				kind: 'gift' as const,
				coins: -10,
				creatorId: g.creator ?? 'cr_luna',
				at: g.at
			}))
		]);
	}

	/** Every page from the first, following "Older" links as the page writes them. */
	async function walkOlder(accountId: string, limit: number) {
		const pages: timeline.TimelinePage[] = [];
		let query: string | null = '';
		while (query !== null) {
			const position = timeline.positionFrom(new URLSearchParams(query));
			const page = await timeline.page(db(), accountId, 'cr_luna', { position, limit });
			pages.push(page);
			query = timeline.links(page).older;
			if (pages.length > 20) throw new Error('the pages do not end');
		}
		return pages;
	}

	beforeAll(async () => {
		await db()
			.insertInto('creators')
			.values([
				{ id: 'cr_luna', handle: 'lunabeats', display_name: 'Luna Beats', first_seen_at: 0 },
				{ id: 'cr_max', handle: 'maxplays', display_name: 'Max Plays', first_seen_at: 0 }
			])
			.execute();
		account = await newAccount('pages@example.com');
		// Twelve gifts, four of them in the same millisecond (the id breaks the tie), and gifts
		// that are not Luna's or not this account's around them.
		const luna = [
			...Array.from({ length: 8 }, (_, i) => ({ id: `led_g${i}`, at: T + i * 60_000 })),
			...['led_ta', 'led_tb', 'led_tc', 'led_td'].map((id) => ({ id, at: T + 3 * 60_000 + 1 }))
		];
		await give(account, [...luna, { id: 'led_max', at: T + 3 * 60_000 + 1, creator: 'cr_max' }]);
		const other = await newAccount('other@example.com');
		await give(other, [{ id: 'led_else', at: T + 3 * 60_000 + 1 }]);
		expected = luna.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((g) => g.id);
	});

	it('reaches every gift exactly once, newest first, five to a page', async () => {
		const pages = await walkOlder(account, 5);
		expect(pages.map((p) => p.gifts.length)).toEqual([5, 5, 2]);
		expect(pages.flatMap((p) => p.gifts.map((g) => g.id))).toEqual(expected);
		expect(pages[0]!.newer).toBeNull();
		expect(pages.slice(1).every((p) => p.newer !== null)).toBe(true);
		expect(pages.at(-1)!.older).toBeNull();
		expect(pages[0]!.gifts[0]).toMatchObject({
			coins: 10,
			cost: [{ amount: 10, currency: 'USD' }]
		});
	});

	it('goes back the same way with "Newer", to the first page', async () => {
		const pages = await walkOlder(account, 5);
		let query = timeline.links(pages.at(-1)!).newer;
		for (const want of pages.slice(0, -1).reverse()) {
			expect(query).not.toBeNull();
			const position = timeline.positionFrom(new URLSearchParams(query!));
			const page = await timeline.page(db(), account, 'cr_luna', { position, limit: 5 });
			expect(page.gifts.map((g) => g.id)).toEqual(want.gifts.map((g) => g.id));
			expect(page.older).not.toBeNull();
			query = timeline.links(page).newer;
		}
		// Back on the newest page: nothing newer.
		expect(query).toBeNull();
	});

	it('totals every gift, not one page of them', async () => {
		const figures = await creatorReports.allTime(db(), account, 'cr_luna');
		expect(figures).toMatchObject({ gifts: 12, coins: 120 });
	});

	it('is one page without links when the gifts fill exactly one page', async () => {
		const pages = await walkOlder(account, 12);
		expect(pages).toHaveLength(1);
		expect(pages[0]!.gifts.map((g) => g.id)).toEqual(expected);
		expect(timeline.links(pages[0]!)).toEqual({ older: null, newer: null });
	});

	it('is empty, without links, for a creator with no gifts from the account', async () => {
		const page = await timeline.page(db(), account, 'cr_nobody');
		expect(page).toEqual({ gifts: [], older: null, newer: null });
	});

	it('refuses a tampered page link', () => {
		expect(() => timeline.positionFrom(new URLSearchParams('before=1_DROP TABLE'))).toThrow();
		expect(timeline.positionFrom(new URLSearchParams(''))).toBeNull();
		expect(timeline.positionFrom(new URLSearchParams('after=5_led_g1'))).toEqual({
			after: { occurredAt: 5, id: 'led_g1' }
		});
	});
});
