import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as family from '../../src/lib/server/family';
import * as limits from '../../src/lib/server/policy/limits';
import { describeEachDatabase } from '../support/each-database';
import { freePort } from '../support/launch';
import { callPurchase } from '../support/purchase-api';
import { startServer, type RunningServer } from '../support/server';

// E-mail with SMTP_URL set: a local SMTP server receives the notices the app sends after the
// purchase committed; a mail server that refuses every message never holds a purchase back.

interface Received {
	to: string[];
	raw: string;
}

async function startSmtp(refuse = false) {
	const received: Received[] = [];
	const waiters: (() => void)[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		onData(stream, session, callback) {
			let raw = '';
			stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
			stream.on('end', () => {
				if (refuse) return callback(new Error('mailbox unavailable'));
				received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
				waiters.splice(0).forEach((wake) => wake());
				callback();
			});
		}
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		/** Waits until `count` messages arrived (or fails after `timeoutMs`). */
		async until(count: number, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`${received.length} e-mail(s) arrived, expected ${count}`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiters.push(() => (clearTimeout(timer), resolve()));
				});
			}
			return received;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

describeEachDatabase('e-mail notices', (ctx) => {
	let smtp: Awaited<ReturnType<typeof startSmtp>>;
	let server: RunningServer;
	let apiKey: string;
	let n = 0;
	const db = () => ctx.database.db;

	beforeAll(async () => {
		smtp = await startSmtp();
		server = await startServer({ DATABASE_URL: ctx.url, SMTP_URL: smtp.url });
		apiKey = (await apiKeys.create(db(), 'purchase flow')).key;
	});
	afterAll(async () => {
		await server?.stop();
		await smtp?.close();
	});

	async function person(displayName: string, email: string, isMinor = false) {
		const account = await accounts.create(db(), {
			email,
			displayName,
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD',
			isMinor
		});
		return account.id;
	}

	async function minorWaitingOver(guardians: string[], kid: string) {
		for (const g of guardians) await family.link(db(), g, kid);
		await limits.add(
			db(),
			kid,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 100,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'guardian', accountId: guardians[0]! },
			Date.now() - 1000
		);
	}

	const ask = (accountId: string) =>
		callPurchase(server.origin, apiKey, 'authorize', {
			idempotencyKey: `idem-${++n}`,
			accountId,
			kind: 'recharge',
			coins: 700,
			price: { amount: 999, currency: 'USD' },
			channel: 'app',
			paymentMethod: 'card'
		});

	it("a minor's request is e-mailed to each guardian at their address, once", async () => {
		const tag = ctx.dialect;
		const robin = await person('Robin', `robin-${tag}@example.com`);
		const sam = await person('Sam', `sam-${tag}@example.com`);
		const kit = await person('Kit', `kit-${tag}@example.com`, true);
		await minorWaitingOver([robin, sam], kit);
		const before = smtp.received.length;
		expect((await ask(kit)).data!.decision).toBe('pending_approval');

		const mails = (await smtp.until(before + 2)).slice(before);
		expect(mails.map((m) => m.to[0]).sort()).toEqual([
			`robin-${tag}@example.com`,
			`sam-${tag}@example.com`
		]);
		for (const mail of mails) {
			expect(mail.raw).toMatch(/^Subject: Kit asks for your approval\r?$/m);
			expect(mail.raw).toContain('Kit asks to buy 700 coins for $9.99 in the app.');
		}
		// Marked sent once the server has the SMTP answer, a moment after the message arrived.
		const statuses = () =>
			db()
				.selectFrom('notifications')
				.select(['email_status', 'email_attempts'])
				.where('account_id', 'in', [robin, sam])
				.execute();
		const deadline = Date.now() + 10_000;
		let rows = await statuses();
		while (rows.some((r) => r.email_status !== 'sent') && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			rows = await statuses();
		}
		expect(rows).toEqual([
			{ email_status: 'sent', email_attempts: 1 },
			{ email_status: 'sent', email_attempts: 1 }
		]);
	});
});

describeEachDatabase('e-mail that fails', (ctx) => {
	it('a mail server that refuses is logged in one line, tried again later, and the purchase answers as usual', async () => {
		const smtp = await startSmtp(true);
		const server = await startServer({ DATABASE_URL: ctx.url, SMTP_URL: smtp.url });
		try {
			const db = ctx.database.db;
			const apiKey = (await apiKeys.create(db, 'purchase flow')).key;
			const make = (name: string, isMinor = false) =>
				accounts.create(db, {
					email: `${name}-fail@example.com`,
					displayName: name,
					password: 'a long enough passphrase',
					timeZone: 'UTC',
					currency: 'USD',
					isMinor
				});
			const [robin, kit] = [await make('Robin'), await make('Kit', true)];
			await family.link(db, robin.id, kit.id);
			await limits.add(
				db,
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
			const asked = await callPurchase(server.origin, apiKey, 'authorize', {
				idempotencyKey: 'fails-1',
				accountId: kit.id,
				kind: 'recharge',
				coins: 700,
				price: { amount: 999, currency: 'USD' },
				channel: 'app',
				paymentMethod: 'card'
			});
			expect(asked.data!.decision).toBe('pending_approval');
			const deadline = Date.now() + 15_000;
			while (!/e-mail for notification/.test(server.output()) && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			const lines = server
				.output()
				.split('\n')
				.filter((l) => l.includes('e-mail for notification'));
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(
				/^e-mail for notification ntf_\w+ failed \(attempt 1 of 4\): .*mailbox unavailable/
			);
			const row = await db
				.selectFrom('notifications')
				.select(['email_status', 'email_attempts', 'email_next_at'])
				.where('account_id', '=', robin.id)
				.executeTakeFirstOrThrow();
			expect(row).toMatchObject({ email_status: 'pending', email_attempts: 1 });
			expect(row.email_next_at).toBeGreaterThan(Date.now());
		} finally {
			await server.stop();
			await smtp.close();
		}
	});
});
