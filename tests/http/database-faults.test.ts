import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationView } from '$lib/schemas/purchase';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import * as sessions from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { postgresUrl } from '../support/environment';
import { openEvents } from '../support/events';
import { getPage, postForm } from '../support/http';
import {
	accountWithMonthlyLimit,
	callPurchase,
	recharge,
	seededRandom,
	stopWithin,
	type ApiCall
} from '../support/purchase-api';
import { expectLedgerConsistent } from '../support/reconcile';
import { startRelay, type Relay } from '../support/relay';
import { startServer, type RunningServer } from '../support/server';

// The production server loses its PostgreSQL connections: backends terminated by an
// administrator (idle, and in the middle of a load), and the database gone for a while. It
// must keep running, answer a clean 503 while it cannot reach the database (never a crash,
// never an approval), and carry on once it can.
//
// The server names its connections with an application_name of its own, and only backends
// with that name are terminated: other suites share this database server. Its connections
// go through a TCP relay, so that an outage can be staged for this server alone.

const UNAVAILABLE =
	'The database is unavailable just now; nothing was changed. Try again in a moment.';
const APP_NAME = `coinguard_faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const MONTHLY_LIMIT = 1500;

/** The server's URL: through the relay, under our application_name. */
function serverUrl(testUrl: string, relay: Relay): string {
	const url = new URL(testUrl);
	url.host = `127.0.0.1:${relay.port}`;
	url.searchParams.set('application_name', APP_NAME);
	return url.toString();
}

/** Terminates the server's backends (and only those); returns how many. */
async function terminateServerBackends(): Promise<number> {
	const admin = new pg.Client({ connectionString: postgresUrl! });
	await admin.connect();
	try {
		const { rows } = await admin.query(
			`select pg_terminate_backend(pid) as terminated from pg_stat_activity
			 where application_name = $1 and pid <> pg_backend_pid()`,
			[APP_NAME]
		);
		return rows.filter((r) => r.terminated).length;
	} finally {
		await admin.end();
	}
}

async function waitFor(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** The call's answer; a network failure or a timeout (no answer at all) as status 0. */
async function attempt<T>(call: () => Promise<ApiCall<T>>): Promise<ApiCall<T>> {
	try {
		return await call();
	} catch (error) {
		return { status: 0, text: `no answer: ${String((error as Error).cause ?? error)}` };
	}
}

/** Either a normal answer or the clean 503; anything else is described for the failure list. */
function problemWith(call: ApiCall<unknown>): string | null {
	if (call.status === 200 && call.data) return null;
	if (call.status === 503 && call.error?.code === 'SERVICE_UNAVAILABLE') return null;
	return `${call.status} ${call.text.slice(0, 300)}`;
}

describe.skipIf(!postgresUrl)('a lost PostgreSQL connection [postgres]', () => {
	let test: TestDatabase;
	let database: Database;
	let relay: Relay;
	let server: RunningServer;
	let apiKey: string;
	let exited = false;

	const alive = () => !exited;
	const log = () => server.output();

	beforeAll(async () => {
		test = await createTestDatabase('postgres');
		database = await test.open();
		const target = new URL(postgresUrl!);
		relay = await startRelay(target.hostname, Number(target.port || 5432));
		apiKey = (await apiKeys.create(database.db, 'database faults')).key;
		server = await startServer({ DATABASE_URL: serverUrl(test.url, relay) });
		server.process.once('exit', () => (exited = true));
	});
	afterAll(async () => {
		if (server) await stopWithin(server);
		await relay?.close();
		await test?.drop();
	});

	it('drops idle connections an administrator terminated, logs one line, and carries on', async () => {
		const accountId = await accountWithMonthlyLimit(database.db, 'idle', MONTHLY_LIMIT);
		const warmUp = await callPurchase(server.origin, apiKey, 'authorize', {
			...recharge(accountId, 'idle-1', 10)
		});
		expect(warmUp.status, warmUp.text).toBe(200);

		const linesBefore = log().split('\n').length;
		expect(await terminateServerBackends(), 'backends of the server').toBeGreaterThan(0);
		// The pool hears of it at once; a crash would show as the process exiting instead.
		await waitFor(
			() => !alive() || /database connection lost/.test(log()),
			'the lost connection to be noticed'
		);
		expect(alive(), log()).toBe(true);
		const newLines = log()
			.split('\n')
			.slice(linesBefore - 1);
		expect(
			newLines.filter((line) => /^\s+at /.test(line)),
			'stack trace lines'
		).toEqual([]);
		expect(newLines.join('\n')).toMatch(
			/database connection lost: terminating connection due to administrator command \(57P01\)/
		);

		// The first request may still meet a dead connection (and answer 503); the next succeed.
		const first = await callPurchase(
			server.origin,
			apiKey,
			'authorize',
			recharge(accountId, 'idle-2', 10)
		);
		expect(problemWith(first)).toBeNull();
		for (const key of ['idle-2', 'idle-3']) {
			const call = await callPurchase(
				server.origin,
				apiKey,
				'authorize',
				recharge(accountId, key, 10)
			);
			expect(call.status, call.text).toBe(200);
			expect(call.data!.decision).toBe('approved');
		}
		const ping = await fetch(`${server.origin}/api/trpc/health.ping`);
		expect(ping.status).toBe(200);
		expect(alive()).toBe(true);
	});

	it('answers every call of a load normally or with a clean 503 while backends are terminated', async () => {
		const seed = Date.now() % 1_000_000;
		const random = seededRandom(seed);
		const note = `seed ${seed}`;
		const accountIds = await Promise.all(
			[0, 1, 2, 3].map((i) => accountWithMonthlyLimit(database.db, `load-${i}`, MONTHLY_LIMIT))
		);
		const inputs = Array.from({ length: 160 }, (_, i) =>
			recharge(
				accountIds[i % accountIds.length]!,
				`load-${seed}-${i}`,
				1 + Math.floor(random() * 100)
			)
		);

		// Terminate the server's backends twice while the calls are in flight.
		let answered = 0;
		const terminations: Promise<number>[] = [];
		const onAnswer = () => {
			answered++;
			if (answered === 20 || answered === 80) terminations.push(terminateServerBackends());
		};
		const results = await Promise.all(
			inputs.map(async (input) => {
				const authorized = await attempt(() =>
					callPurchase(server.origin, apiKey, 'authorize', input)
				);
				onAnswer();
				let captured: ApiCall<AuthorizationView> | undefined;
				if (authorized.data?.decision === 'approved') {
					captured = await attempt(() =>
						callPurchase(server.origin, apiKey, 'capture', {
							authorizationId: authorized.data!.authorizationId
						})
					);
				}
				return { input, authorized, captured };
			})
		);
		const terminated = await Promise.all(terminations);
		expect(terminated, 'both terminations found backends').toHaveLength(2);
		for (const n of terminated) expect(n, note).toBeGreaterThan(0);

		const problems = results.flatMap(({ input, authorized, captured }) =>
			[authorized, captured]
				.filter((c) => c !== undefined)
				.map(problemWith)
				.filter((p) => p !== null)
				.map((p) => `${input.idempotencyKey}: ${p}`)
		);
		expect(problems, `${note}\n${log().slice(-4000)}`).toEqual([]);
		expect(alive(), log()).toBe(true);
		expect(log()).not.toMatch(/^\s+at /m);

		// A 503 that says nothing was changed changed nothing.
		const rows = await database.db
			.selectFrom('authorizations')
			.select(['id', 'idempotency_key', 'status', 'response', 'account_id', 'coins'])
			.where('account_id', 'in', accountIds)
			.execute();
		const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
		for (const { input, authorized, captured } of results) {
			const row = byKey.get(input.idempotencyKey);
			if (authorized.status === 200) {
				expect(JSON.parse(row!.response), input.idempotencyKey).toEqual(authorized.data);
			} else if (authorized.error!.message === UNAVAILABLE) {
				expect(row, `${input.idempotencyKey} after a 503`).toBeUndefined();
			}
			if (captured?.status === 200) expect(row!.status).toBe('captured');
			else if (captured?.error?.message === UNAVAILABLE) expect(row!.status).toBe('held');
		}
		const unavailable = results.filter(
			(r) => r.authorized.status === 503 || r.captured?.status === 503
		);
		console.info(
			`[postgres] ${note}: ${inputs.length} purchases, backends terminated ${terminated.join(' + ')}, ` +
				`${unavailable.length} answered 503`
		);

		// Afterwards, new requests succeed, and what was committed adds up within the limits.
		const after = await callPurchase(
			server.origin,
			apiKey,
			'authorize',
			recharge(accountIds[0]!, `load-${seed}-after`, 1)
		);
		expect(problemWith(after)).toBeNull();
		expect(after.status, after.text).toBe(200);
		await expectLedgerConsistent(database.db, accountIds);
		for (const accountId of accountIds) {
			const counted = (
				await database.db
					.selectFrom('authorizations')
					.select('coins')
					.where('account_id', '=', accountId)
					.where('status', 'in', ['held', 'captured'])
					.execute()
			).reduce((sum, r) => sum + Number(r.coins), 0);
			expect(counted, `${note}: coins held or captured by ${accountId}`).toBeLessThanOrEqual(
				MONTHLY_LIMIT
			);
		}
	}, 90_000);

	it('answers 503 with a plain sentence while the database is gone, then recovers', async () => {
		const account = await accounts.create(database.db, {
			email: `outage-${Math.random().toString(36).slice(2, 10)}@example.com`,
			displayName: 'Outage',
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD'
		});
		const { token } = await sessions.create(database.db, account.id, {
			userAgent: null,
			ip: null
		});
		const cookie = `${sessions.COOKIE_NAME}=${token}`;
		const accountId = await accountWithMonthlyLimit(database.db, 'outage', MONTHLY_LIMIT);
		expect((await getPage(server.origin, '/', cookie)).status).toBe(200);

		relay.cut();
		try {
			const page = await getPage(server.origin, '/', cookie);
			const html = await page.text();
			expect(page.status, html.slice(0, 500)).toBe(503);
			expect(html).toContain(UNAVAILABLE);
			expect(html).toMatch(/Coinguard (cannot reach its database|could not answer just now)/);

			// A form action (here the log-in) fails the same way.
			const login = await postForm(server.origin, '/login', {
				email: 'someone@example.com',
				password: 'a long enough passphrase'
			});
			const loginHtml = await login.text();
			expect(login.status, loginHtml.slice(0, 500)).toBe(503);
			expect(loginHtml).toContain(UNAVAILABLE);

			const call = await callPurchase(
				server.origin,
				apiKey,
				'authorize',
				recharge(accountId, 'outage-1', 10)
			);
			expect(call.status, call.text).toBe(503);
			expect(call.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE });
			expect((await fetch(`${server.origin}/api/trpc/health.ping`)).status).toBe(200);
		} finally {
			relay.restore();
		}
		expect(alive(), log()).toBe(true);
		expect(log()).not.toMatch(/^\s+at /m);
		expect(log()).toMatch(/database unavailable: /);

		expect((await getPage(server.origin, '/', cookie)).status).toBe(200);
		const call = await callPurchase(
			server.origin,
			apiKey,
			'authorize',
			recharge(accountId, 'outage-1', 10)
		);
		expect(call.status, call.text).toBe(200);
		expect(call.data!.decision).toBe('approved');
		expect(
			await database.db
				.selectFrom('authorizations')
				.select('id')
				.where('account_id', '=', accountId)
				.execute()
		).toHaveLength(1);
	});

	it('keeps a live event stream through an outage, refuses new ones with 503, and catches up after', async () => {
		const make = async (name: string, isMinor = false) => {
			const account = await accounts.create(database.db, {
				email: `${name}-${Math.random().toString(36).slice(2, 10)}@example.com`,
				displayName: name,
				password: 'a long enough passphrase',
				timeZone: 'UTC',
				currency: 'USD',
				isMinor
			});
			const { token } = await sessions.create(database.db, account.id, {
				userAgent: null,
				ip: null
			});
			return { id: account.id, cookie: `${sessions.COOKIE_NAME}=${token}` };
		};
		const [robin, kit] = [await make('Robin'), await make('Kit', true)];
		await family.link(database.db, robin.id, kit.id);
		await limits.add(
			database.db,
			kit.id,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: robin.id },
			Date.now() - 1000
		);
		const stream = await openEvents(server.origin, robin.cookie);
		await stream.next((e) => e.event === 'hello');

		relay.cut();
		try {
			expect((await openEvents(server.origin, robin.cookie)).status).toBe(503);
			// The open stream's next check meets the outage: one line, and the stream stays.
			const deadline = Date.now() + 15_000;
			while (!/GET \/events/.test(log()) && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(log()).toMatch(/database unavailable: .*GET \/events|GET \/events.*unavailable/);
		} finally {
			relay.restore();
		}
		const asked = await callPurchase(server.origin, apiKey, 'authorize', {
			idempotencyKey: `events-${Math.random()}`,
			accountId: kit.id,
			kind: 'recharge',
			coins: 350,
			price: { amount: 499, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});
		expect(asked.data?.decision, asked.text).toBe('pending_approval');
		const notice = await stream.next((e) => e.event === 'notification', 20_000);
		expect(notice.data).toMatchObject({ notice: { kind: 'approval_requested' } });
		stream.close();
		expect(alive(), log()).toBe(true);
		expect(log()).not.toMatch(/^\s+at /m);
	}, 90_000);
});
