import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access';
import * as family from '../../src/lib/server/family';
import { recordHistory } from '../support/ledger';
import * as history from '../../src/lib/server/reports/history';
import { describeEachDatabase } from '../support/each-database';
import { getPage } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// The Transactions page, its CSV export and the history import, over HTTP with a real session.

const day = (d: number, h = 12) => Date.parse(`2026-11-${String(d).padStart(2, '0')}T${h}:00:00Z`);

describeEachDatabase('transactions, export and import over HTTP', (ctx) => {
	let server: RunningServer;
	let me: { accountId: string; cookie: string };
	const db = () => ctx.database.db;

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
		me = await signedInAccount(db(), 'tx@example.com');
		await db()
			.insertInto('creators')
			.values({ id: 'cr_evil', handle: null, display_name: '=cmd|"/c calc"!A1', first_seen_at: 0 })
			.execute();
		await recordHistory(
			db(),
			me.accountId,
			Array.from({ length: 120 }, (_, i) =>
				i % 3 === 0
					? {
							id: `led_h${String(i).padStart(3, '0')}`,
							kind: 'recharge' as const,
							coins: 350,
							price: { amount: 499, currency: 'EUR' },
							paymentMethod: 'card',
							at: day(1 + (i % 20))
						}
					: {
							id: `led_h${String(i).padStart(3, '0')}`,
							kind: 'gift' as const,
							coins: -5,
							creatorId: 'cr_evil',
							at: day(1 + (i % 20))
						}
			)
		);
	});
	afterAll(async () => {
		await server?.stop();
	});

	const upload = (path: string, fields: Record<string, string>, file?: string) => {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) body.set(k, v);
		if (file !== undefined) body.set('file', new Blob([file], { type: 'text/csv' }), 'history.csv');
		return fetch(server.origin + path, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: me.cookie, origin: server.origin, accept: 'text/html' },
			body
		});
	};

	it('shows the filtered set with its totals, and pages on with the filters kept', async () => {
		const res = await getPage(
			server.origin,
			'/transactions?kind=recharge&from=2026-11-01&to=2026-11-10',
			me.cookie
		);
		expect(res.status).toBe(200);
		const html = await res.text();
		// Recharges are every third row: days 1..10 hold 20 of them (120 rows over 20 days).
		expect(html).toMatch(/<strong>20<\/strong>\s*transactions match/);
		expect(html).toContain('+7,000</strong> coins in');
		expect(html.includes('−5')).toBe(false);
		const all = await (await getPage(server.origin, '/transactions', me.cookie)).text();
		const older = /href="(\/transactions\?before=[^"]+)"/.exec(all);
		expect(older).not.toBeNull();
		const filtered = /href="(\/transactions\?kind=gift&amp;before=[^"]+)"/.exec(
			await (await getPage(server.origin, '/transactions?kind=gift', me.cookie)).text()
		);
		expect(filtered).not.toBeNull();
	});

	it('answers a bad filter with a message naming it', async () => {
		const html = await (
			await getPage(server.origin, '/transactions?status=%3Cscript%3E', me.cookie)
		).text();
		expect(html).toContain('Status must be one of captured, held, pending_approval, declined.');
		expect(html).not.toContain('<script>');
		const broken = await getPage(server.origin, '/transactions?before=1_%27;drop', me.cookie);
		expect(broken.status).toBe(400);
	});

	it('exports exactly the filtered rows as an attachment, formulas neutralised', async () => {
		const res = await fetch(`${server.origin}/transactions/export.csv?kind=gift&to=2026-11-05`, {
			headers: { cookie: me.cookie }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(
			/^attachment; filename="coinguard-transactions-\d{4}-\d{2}-\d{2}\.csv"$/
		);
		const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
		const page = await history.page(db(), me.accountId, {
			limit: 1000,
			filters: { kind: 'gift', to: '2026-11-05' },
			timeZone: 'Europe/Paris'
		});
		expect(rows.map((r) => r.id)).toEqual(page.rows.map((r) => r.id));
		expect(rows.length).toBeGreaterThan(0);
		expect(rows[0]!.creator_name).toBe(`'=cmd|"/c calc"!A1`);
	});

	it('export needs a session and valid filters', async () => {
		const anonymous = await fetch(`${server.origin}/transactions/export.csv`, {
			redirect: 'manual'
		});
		expect(anonymous.status).toBe(401);
		const page = await getPage(server.origin, '/transactions/export.csv');
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
		const bad = await fetch(`${server.origin}/transactions/export.csv?from=2026-02-31`, {
			headers: { cookie: me.cookie }
		});
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('From must be a date');
	});

	it('imports a file after a preview, skips it the second time, and refuses a broken one whole', async () => {
		const file =
			'id,date,type,coins,price,currency\nx-1,2026-10-01,recharge,70,1.09,EUR\nx-2,2026-10-02,recharge,350,4.99,EUR\n';
		const preview = await upload('/transactions/import?/preview', {}, file);
		expect(preview.status).toBe(200);
		const shown = await preview.text();
		expect(shown).toContain('Recharge');
		expect(shown).toContain('+350 coins');
		const count = async () =>
			Number(
				(
					await db()
						.selectFrom('ledger_entries')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('account_id', '=', me.accountId)
						.executeTakeFirstOrThrow()
				).n
			);
		const before = await count();
		const mapping = {
			mapped: '1',
			'map.sourceId': '0',
			'map.date': '1',
			'map.kind': '2',
			'map.coins': '3',
			'map.amount': '4',
			'map.currency': '5',
			'map.creator': ''
		};
		const first = await upload('/transactions/import?/import', { ...mapping, csv: file });
		expect(await first.text()).toContain('2 imported, 0 skipped as duplicates');
		expect(await count()).toBe(before + 2);
		const again = await upload('/transactions/import?/import', { ...mapping, csv: file });
		expect(await again.text()).toContain('0 imported, 2 skipped as duplicates');
		const broken = `${file}x-3,2026-10-03,recharge,lots,1.00,EUR\n`;
		const refused = await upload('/transactions/import?/import', {
			...mapping,
			csv: broken.replace('x-1', 'y-1')
		});
		expect(refused.status).toBe(400);
		const text = await refused.text();
		expect(text).toContain('Nothing was imported');
		expect(text).toContain('Line 4: Coins');
		expect(await count()).toBe(before + 2);
		const bigger = await upload(
			'/transactions/import?/preview',
			{},
			`date,coins\n${'2026-01-01,1\n'.repeat(100_000)}`
		);
		expect(await bigger.text()).toContain('The file is over 1 MiB');
	});

	it('a guardian sees a minor’s history with the same filters; another family’s answers 404', async () => {
		const guardian = await signedInAccount(db(), 'tx-guardian@example.com');
		const actor = () => access.userActor(db(), { id: guardian.accountId, isMinor: false });
		await family.create(db(), await actor(), { name: 'Tx family' });
		const kid = await family.createMinor(db(), await actor(), {
			email: 'tx-kid@example.com',
			displayName: 'Tx Kid',
			password: 'a kid passphrase'
		});
		const own = await getPage(
			server.origin,
			`/family/${kid.id}/history?kind=gift`,
			guardian.cookie
		);
		expect(own.status).toBe(200);
		expect(await own.text()).toContain('No transactions match these filters.');
		const other = await getPage(server.origin, `/family/${kid.id}/history`, me.cookie);
		expect(other.status).toBe(404);
	});
});
