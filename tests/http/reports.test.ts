import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { seededRandom } from '$lib/random';
import { authorizeInput } from '$lib/schemas/purchase';
import * as access from '../../src/lib/server/access';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import type { ApiKeySummary } from '../../src/lib/server/auth/api-keys';
import * as family from '../../src/lib/server/family';
import * as holds from '../../src/lib/server/ledger/holds';
import { describeEachDatabase } from '../support/each-database';
import { loosenMinor } from '../support/family';
import { startServer, type RunningServer } from '../support/server';
import { signedInAccount } from '../support/session';

// reports.creators over HTTP, as another program calls it: a session cookie or a personal key.

interface Answer {
	status: number;
	data?: unknown;
	message?: string;
}

describeEachDatabase('reports.creators over HTTP', (ctx) => {
	let server: RunningServer;
	let flow: ApiKeySummary;
	let n = 0;
	const db = () => ctx.database.db;
	const T = Date.parse('2026-11-10T12:00:00Z');

	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: ctx.url });
		const { key } = await apiKeys.create(db(), `flow-${process.pid}`);
		flow = (await apiKeys.authenticate(db(), key))!;
	});
	afterAll(async () => {
		await server?.stop();
	});

	async function capture(input: Record<string, unknown>) {
		const parsed = authorizeInput.parse({ idempotencyKey: `idem-${process.pid}-${++n}`, ...input });
		const held = await holds.authorize(ctx.database, flow, parsed, T);
		expect(held.decision).toBe('approved');
		await holds.capture(ctx.database, flow, held.authorizationId, T + 1000);
	}

	/** 200 coins for 4.00 EUR, then 150 coins to Ada and 50 to Bo. */
	async function spend(accountId: string) {
		await capture({
			accountId,
			kind: 'recharge',
			coins: 200,
			price: { amount: 400, currency: 'EUR' }
		});
		await capture({ accountId, kind: 'gift', coins: 150, creatorId: 'c-ada' });
		await capture({ accountId, kind: 'gift', coins: 50, creatorId: 'c-bo' });
	}

	async function call(input: unknown, auth: { cookie?: string; key?: string }): Promise<Answer> {
		const headers: Record<string, string> = {};
		if (auth.cookie) headers.cookie = auth.cookie;
		if (auth.key) headers.authorization = `Bearer ${auth.key}`;
		const response = await fetch(
			`${server.origin}/api/trpc/reports.creators?input=${encodeURIComponent(JSON.stringify(input))}`,
			{ headers }
		);
		const body = (await response.json()) as {
			result?: { data: unknown };
			error?: { message: string };
		};
		return { status: response.status, data: body.result?.data, message: body.error?.message };
	}

	const november = { from: '2026-11-01', to: '2026-12-01' };
	const expected = [
		{
			creatorId: 'c-ada',
			handle: null,
			coins: 150,
			gifts: 1,
			cost: [{ amount: 300, currency: 'EUR' }]
		},
		{
			creatorId: 'c-bo',
			handle: null,
			coins: 50,
			gifts: 1,
			cost: [{ amount: 100, currency: 'EUR' }]
		}
	];
	const figures = (data: unknown) =>
		(data as Record<string, unknown>[]).map(({ creatorId, handle, coins, gifts, cost }) => ({
			creatorId,
			handle,
			coins,
			gifts,
			cost
		}));

	it('answers a session and a personal key with the FIFO figures, largest first', async () => {
		const me = await signedInAccount(db(), `reader-${++n}@example.com`);
		await spend(me.accountId);
		const bySession = await call(november, { cookie: me.cookie });
		expect(bySession.status).toBe(200);
		expect(figures(bySession.data)).toEqual(expected);
		expect((bySession.data as { name: string }[])[0]!.name).toEqual(expect.any(String));

		const { key } = await apiKeys.create(db(), 'my scripts', { ownerId: me.accountId });
		const byKey = await call(november, { key });
		expect(byKey).toEqual(bySession);
		// Another month is empty.
		expect((await call({ from: '2026-12-01', to: '2027-01-01' }, { key })).data).toEqual([]);
	});

	it('refuses an operator key, no credentials, and a revoked key', async () => {
		const { key } = await apiKeys.create(db(), `operator-${++n}`);
		const operator = await call(november, { key });
		expect(operator.status).toBe(403);
		expect(operator.message).toMatch(/personal API key/);
		expect((await call(november, {})).status).toBe(401);
		expect((await call(november, { key: 'cg_not-a-key' })).status).toBe(401);
	});

	it("shows a guardian their minor's figures and nobody else's", async () => {
		const guardian = await signedInAccount(db(), `guardian-${++n}@example.com`);
		const actor = await access.userActor(db(), { id: guardian.accountId, isMinor: false });
		await family.create(db(), actor, { name: 'Readers' });
		const minor = await family.createMinor(
			db(),
			await access.userActor(db(), { id: guardian.accountId, isMinor: false }),
			{ email: `kid-${++n}@example.com`, displayName: 'Kid', password: 'a kid passphrase' }
		);
		await loosenMinor(db(), guardian.accountId, minor.id, { rules: { giftingAllowed: true } });
		await spend(minor.id);

		const asGuardian = await call(
			{ ...november, accountId: minor.id },
			{ cookie: guardian.cookie }
		);
		expect(asGuardian.status).toBe(200);
		expect(figures(asGuardian.data)).toEqual(expected);
		const { key } = await apiKeys.create(db(), 'guardian scripts', { ownerId: guardian.accountId });
		expect(figures((await call({ ...november, accountId: minor.id }, { key })).data)).toEqual(
			expected
		);

		const stranger = await signedInAccount(db(), `stranger-${++n}@example.com`);
		for (const accountId of [minor.id, guardian.accountId, 'acct_unknown']) {
			const refused = await call({ ...november, accountId }, { cookie: stranger.cookie });
			expect(refused.status).toBe(404);
		}
		// Another family's guardian sees nothing either.
		const other = await signedInAccount(db(), `other-${++n}@example.com`);
		await family.create(
			db(),
			await access.userActor(db(), { id: other.accountId, isMinor: false }),
			{
				name: 'Others'
			}
		);
		expect(
			(await call({ ...november, accountId: minor.id }, { cookie: other.cookie })).status
		).toBe(404);
		// The minor may not read their guardian's.
		const kid = await signedInAccount(db(), `adult-${++n}@example.com`);
		expect(
			(await call({ ...november, accountId: guardian.accountId }, { cookie: kid.cookie })).status
		).toBe(404);
	});

	it('equals the CSV export of the same gifts summed per creator, month edges in local time', async () => {
		const me = await signedInAccount(db(), `csv-${++n}@example.com`); // Europe/Paris
		const at = async (when: string, input: Record<string, unknown>, capture = true) => {
			const time = Date.parse(when);
			const parsed = authorizeInput.parse({
				idempotencyKey: `csv-${++n}`,
				accountId: me.accountId,
				...input
			});
			const held = await holds.authorize(ctx.database, flow, parsed, time);
			if (capture && held.decision === 'approved') {
				await holds.capture(ctx.database, flow, held.authorizationId, time + 1000);
			}
			return held;
		};
		await at('2026-10-01T10:00:00Z', {
			kind: 'recharge',
			coins: 30_000,
			price: { amount: 29_900, currency: 'EUR' }
		});
		await at('2026-10-02T10:00:00Z', {
			kind: 'recharge',
			coins: 20_000,
			price: { amount: 24_900, currency: 'USD' }
		});
		const random = seededRandom(8);
		const start = Date.parse('2026-10-20T00:00:00Z');
		for (let i = 0; i < 60; i++) {
			const when = new Date(start + Math.floor(random() * 50 * 86_400_000)).toISOString();
			const creatorId = `c-csv-${Math.floor(random() * 7)}`;
			await at(when, { kind: 'gift', coins: 1 + Math.floor(random() * 300), creatorId });
		}
		// At the edges of November in Paris (UTC+1): 23:30 on the 30th is November's, 00:10 on
		// 1 December is not, nor is 23:50 on 31 October.
		await at('2026-11-30T22:30:00Z', { kind: 'gift', coins: 11, creatorId: 'c-csv-edge' });
		await at('2026-11-30T23:10:00Z', { kind: 'gift', coins: 13, creatorId: 'c-csv-edge' });
		await at('2026-10-31T22:50:00Z', { kind: 'gift', coins: 17, creatorId: 'c-csv-edge' });
		// Neither a gift still on hold nor a declined one is spending yet.
		await at('2026-11-15T12:00:00Z', { kind: 'gift', coins: 5, creatorId: 'c-csv-0' }, false);
		const declined = await at('2026-11-16T12:00:00Z', {
			kind: 'gift',
			coins: 900_000,
			creatorId: 'c-csv-1'
		});
		expect(declined.decision).toBe('declined');

		const report = await call(november, { cookie: me.cookie });
		expect(report.status).toBe(200);
		const res = await fetch(
			`${server.origin}/transactions/export.csv?kind=gift&status=captured&from=2026-11-01&to=2026-11-30`,
			{ headers: { cookie: me.cookie } }
		);
		expect(res.status).toBe(200);
		const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
		const summed = new Map<string, { coins: number; gifts: number }>();
		for (const row of rows) {
			const entry = summed.get(row.creator_id!) ?? { coins: 0, gifts: 0 };
			entry.coins += Math.abs(Number(row.coins));
			entry.gifts += 1;
			summed.set(row.creator_id!, entry);
		}
		const reported = (report.data as { creatorId: string; coins: number; gifts: number }[]).map(
			({ creatorId, coins, gifts }) => [creatorId, { coins, gifts }] as const
		);
		expect(new Map(reported)).toEqual(summed);
		expect(summed.get('c-csv-edge')).toEqual({ coins: 11, gifts: 1 });
		expect(summed.size).toBeGreaterThan(5);
		// Largest first, as the contract says.
		const coins = reported.map(([, figures]) => figures.coins);
		expect(coins).toEqual([...coins].sort((a, b) => b - a));
	});

	it('names the field of a bad date and answers 400', async () => {
		const me = await signedInAccount(db(), `dates-${++n}@example.com`);
		const cases: [unknown, RegExp][] = [
			[{ from: '2026-13-01', to: '2026-12-01' }, /^from: /],
			[{ from: '2026-11-01', to: '1 December' }, /^to: must be a date as YYYY-MM-DD/],
			[{ from: '2026-02-30', to: '2026-03-01' }, /^from: is not a date/],
			[{ from: '2026-12-01', to: '2026-11-01' }, /^to: must be after from/],
			[{ from: '1900-01-01', to: '2026-11-01' }, /^to: must be at most 20 years/],
			[{ from: "2026-11-01' OR 1=1 --", to: '2026-12-01' }, /^from: /],
			[{ to: '2026-12-01' }, /^from: /]
		];
		for (const [input, message] of cases) {
			const answer = await call(input, { cookie: me.cookie });
			expect(answer.status, JSON.stringify(input)).toBe(400);
			expect(answer.message).toMatch(message);
		}
	});
});
