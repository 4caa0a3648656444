import { afterAll, expect, it } from 'vitest';
import type { AuthorizationView, AuthorizeInput, AuthorizeResponse } from '$lib/schemas/purchase';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import { describeEachDatabase } from '../support/each-database';
import {
	accountWithMonthlyLimit,
	callPurchase,
	recharge,
	seededRandom,
	stopWithin,
	type ApiCall
} from '../support/purchase-api';
import { expectLedgerConsistent } from '../support/reconcile';
import { startServer, type RunningServer } from '../support/server';

// A production server is killed (SIGKILL: no shutdown, no flush) in the middle of a load of
// authorize + capture/void calls. Whatever was in flight, the restarted server must find
// consistent totals and balances, and answer every idempotency key with one outcome.
const OPERATIONS = 300;
const PARALLEL = 16;
const ACCOUNTS = 4;
const MONTHLY_LIMIT = 8000;

interface Operation {
	index: number;
	input: AuthorizeInput;
	/** What the flow does after an approval: charge and capture, fail and void, or nothing yet. */
	then: 'capture' | 'void' | 'hold';
	/** The authorize request left this process (it may or may not have reached the server). */
	sent: boolean;
	first?: ApiCall<AuthorizeResponse>;
	settled?: ApiCall<AuthorizationView>;
	/** A network failure before the kill: a bug of its own. */
	unexpected?: string;
}

describeEachDatabase('purchases across a server crash', (ctx) => {
	const running: RunningServer[] = [];
	afterAll(async () => {
		await Promise.all(running.map((s) => stopWithin(s)));
	});

	async function start(): Promise<RunningServer> {
		const server = await startServer({ DATABASE_URL: ctx.url });
		running.push(server);
		return server;
	}

	const expectConsistent = (accountIds: string[]) =>
		expectLedgerConsistent(ctx.database.db, accountIds);

	it('keeps totals, balances and idempotency whole when the server is killed mid-load', async () => {
		const seed = Date.now() % 1_000_000;
		const random = seededRandom(seed);
		const note = `seed ${seed}`;
		const { id: apiKeyId, key: apiKey } = await apiKeys.create(ctx.database.db, 'crash test');
		const accountIds = await Promise.all(
			Array.from({ length: ACCOUNTS }, (_, i) =>
				accountWithMonthlyLimit(ctx.database.db, `crash-${i}`, MONTHLY_LIMIT)
			)
		);
		const operations: Operation[] = Array.from({ length: OPERATIONS }, (_, index) => {
			const roll = random();
			return {
				index,
				input: recharge(
					accountIds[index % ACCOUNTS]!,
					`crash-${seed}-${index}`,
					1 + Math.floor(random() * 400)
				),
				then: roll < 0.45 ? 'capture' : roll < 0.8 ? 'void' : 'hold',
				sent: false
			};
		});
		// Somewhere in the middle third, so plenty is in flight when the signal lands.
		const killAfter = 100 + Math.floor(random() * 100);
		const killJitter = Math.floor(random() * 20);

		// 1. The load, and the kill.
		const first = await start();
		const exited = new Promise<void>((resolve) => first.process.once('exit', () => resolve()));
		let killed = false;
		let completed = 0;
		let next = 0;
		const worker = async () => {
			while (!killed && next < OPERATIONS) {
				const op = operations[next++]!;
				op.sent = true;
				try {
					op.first = await callPurchase(first.origin, apiKey, 'authorize', op.input);
					const approved = op.first.data?.decision === 'approved';
					if (approved && op.then !== 'hold' && !killed) {
						op.settled = await callPurchase(first.origin, apiKey, op.then, {
							authorizationId: op.first.data!.authorizationId
						});
					}
				} catch (error) {
					if (!killed) op.unexpected = String((error as Error).cause ?? error);
					return;
				}
				if (++completed === killAfter) {
					// A few milliseconds later, at no particular step of the requests in flight.
					setTimeout(() => {
						killed = true;
						first.process.kill('SIGKILL');
					}, killJitter);
				}
			}
		};
		await Promise.all(Array.from({ length: PARALLEL }, worker));
		await exited;
		expect(killed, `${note}: the load ended before the kill`).toBe(true);
		expect(first.process.signalCode).toBe('SIGKILL');

		const sent = operations.filter((op) => op.sent);
		const answered = sent.filter((op) => op.first);
		expect(
			operations.filter((op) => op.unexpected).map((op) => `${op.index}: ${op.unexpected}`),
			`${note}: network failures before the kill`
		).toEqual([]);
		// Everything answered before the kill was a decision or a settlement, never a 5xx.
		const badAnswers = [
			...answered.filter((op) => op.first!.status !== 200).map((op) => op.first!),
			...sent.filter((op) => op.settled && op.settled.status !== 200).map((op) => op.settled!)
		];
		expect(
			badAnswers.map((c) => `${c.status} ${c.text.slice(0, 300)}`),
			`${note}\n${first.output().slice(-4000)}`
		).toEqual([]);
		for (const op of sent) {
			if (op.settled) {
				expect(op.settled.data!.status).toBe(op.then === 'capture' ? 'captured' : 'voided');
			}
		}
		// The kill interrupted something: authorizations or settlements without an answer.
		const unsettled = answered.filter(
			(op) => op.first!.data!.decision === 'approved' && op.then !== 'hold' && !op.settled
		);
		expect(sent.length - answered.length + unsettled.length, note).toBeGreaterThan(0);

		// 2. A new server on the same database: everything committed is whole.
		const second = await start();
		await expectConsistent(accountIds);
		const rowsOf = () =>
			ctx.database.db
				.selectFrom('authorizations')
				.select(['id', 'idempotency_key', 'status', 'response'])
				.where('api_key_id', '=', apiKeyId)
				.execute();
		const before = new Map((await rowsOf()).map((r) => [r.idempotency_key, r]));
		for (const op of answered) {
			// Every answered request committed, with the answer it gave.
			const row = before.get(op.input.idempotencyKey);
			expect(row, `${note}: key ${op.input.idempotencyKey}`).toBeDefined();
			expect(JSON.parse(row!.response)).toEqual(op.first!.data);
		}
		const lost = sent.filter((op) => !op.first && before.has(op.input.idempotencyKey));
		console.info(
			`[${ctx.dialect}] ${note}: killed after ${killAfter} operations; ${sent.length} sent, ` +
				`${answered.length} answered (${lost.length} more committed, answer lost), ` +
				`${sent.filter((op) => op.settled).length} settled, ${unsettled.length} settlements cut off`
		);
		for (const op of sent.filter((o) => o.settled)) {
			const row = before.get(op.input.idempotencyKey)!;
			expect(row.status).toBe(op.then === 'capture' ? 'captured' : 'voided');
		}

		// 3. Every key that was sent, replayed with the same body (twice): one outcome each.
		const replayAll = async () => {
			const results = new Map<string, ApiCall<AuthorizeResponse>>();
			let cursor = 0;
			const replayer = async () => {
				while (cursor < sent.length) {
					const op = sent[cursor++]!;
					results.set(
						op.input.idempotencyKey,
						await callPurchase(second.origin, apiKey, 'authorize', op.input)
					);
				}
			};
			await Promise.all(Array.from({ length: PARALLEL }, replayer));
			return results;
		};
		const replayed = await replayAll();
		const again = await replayAll();
		for (const op of sent) {
			const key = op.input.idempotencyKey;
			const replay = replayed.get(key)!;
			expect(replay.status, `${note}: replay of ${key}: ${replay.text.slice(0, 300)}`).toBe(200);
			if (op.first) expect(replay.text, `${note}: replay of ${key}`).toBe(op.first.text);
			expect(again.get(key)!.text, `${note}: second replay of ${key}`).toBe(replay.text);
		}
		const rows = await rowsOf();
		const perKey = new Map<string, number>();
		for (const row of rows)
			perKey.set(row.idempotency_key, (perKey.get(row.idempotency_key) ?? 0) + 1);
		expect([...perKey.values()].every((n) => n === 1)).toBe(true);
		expect([...perKey.keys()].sort()).toEqual(sent.map((op) => op.input.idempotencyKey).sort());
		for (const op of sent) {
			const row = rows.find((r) => r.idempotency_key === op.input.idempotencyKey)!;
			expect(row.id).toBe(replayed.get(op.input.idempotencyKey)!.data!.authorizationId);
		}
		await expectConsistent(accountIds);

		// 4. The flow finishes what the crash interrupted; repeated settlements answer the same.
		for (const op of sent) {
			const decision = replayed.get(op.input.idempotencyKey)!.data!;
			if (decision.decision !== 'approved' || op.then === 'hold') continue;
			const settled = await callPurchase(second.origin, apiKey, op.then, {
				authorizationId: decision.authorizationId
			});
			expect(settled.status, `${note}: ${op.then} of ${op.input.idempotencyKey}`).toBe(200);
			expect(settled.data!.status).toBe(op.then === 'capture' ? 'captured' : 'voided');
			if (op.settled) expect(settled.data).toEqual(op.settled.data);
		}
		await expectConsistent(accountIds);
		const captured = await ctx.database.db
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('api_key_id', '=', apiKeyId)
			.where('status', '=', 'captured')
			.executeTakeFirstOrThrow();
		expect(Number(captured.n), note).toBeGreaterThan(0);
	}, 90_000);
});
