import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorizeInput } from '../../src/lib/schemas/purchase';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import * as holds from '../../src/lib/server/ledger/holds';
import { runCli } from '../support/cli';
import { describeEachDatabase } from '../support/each-database';

// A test that runs several commands one after another: each is a Node process of its own
// (0.7-2 s on a busy 2-core machine), so the default 30 s was too close for comfort.
const SEVERAL_COMMANDS = 120_000;

describeEachDatabase('admin CLI', (ctx) => {
	it('creates a user and prints its id as one JSON line (run as an operator does: npm run admin)', async () => {
		const result = await runCli(
			'admin',
			[
				'create-user',
				'--email',
				'Cli@Example.com',
				'--password',
				'cli passphrase',
				'--time-zone',
				'Asia/Tokyo',
				'--currency',
				'JPY',
				'--locale',
				'ja-jp',
				'--minor'
			],
			ctx.url,
			{ via: 'npm' }
		);
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(1);
		const accountId = result.json!.accountId as string;
		expect(accountId).toMatch(/^acct_/);
		const account = await ctx.database.db
			.selectFrom('accounts')
			.selectAll()
			.where('id', '=', accountId)
			.executeTakeFirstOrThrow();
		expect(account).toMatchObject({
			email: 'cli@example.com',
			time_zone: 'Asia/Tokyo',
			currency: 'JPY',
			locale: 'ja-JP',
			is_minor: 1
		});
	});

	const monthlyCoins = (account: string) => [
		'set-limit',
		'--account',
		account,
		'--applies-to',
		'recharge',
		'--metric',
		'coins',
		'--period',
		'month'
	];

	it.each([
		[['create-user', '--password', 'cli passphrase'], '--email is required'],
		[
			['create-user', '--email', 'x@example.com', '--password', 'short'],
			'password: Use at least 8 characters'
		],
		[
			[
				'create-user',
				'--email',
				'y@example.com',
				'--password',
				'cli passphrase',
				'--time-zone',
				'Nowhere/Land'
			],
			'timeZone: Unknown time zone'
		],
		[
			['create-user', '--email', 'w@example.com', '--password', 'cli passphrase', '--locale', 'xx'],
			'locale: Language and number format "xx" is not one we can format numbers for'
		],
		[
			['create-user', '--email', 'cli@example.com', '--password', 'cli passphrase'],
			'already exists'
		],
		[
			['create-user', '--email', 'z@example.com', '--password', 'cli passphrase', '--bogus'],
			"Unknown option '--bogus'"
		],
		[['make-coffee'], 'unknown command "make-coffee"'],
		[['revoke-api-key', '--id', 'key_nope'], 'no API key with id key_nope'],
		[[...monthlyCoins('acct_x'), '--amount=-5'], 'amount: amount must not be negative.'],
		[[...monthlyCoins('acct_x'), '--amount', '1.5'], 'amount: amount must be a whole number'],
		[[...monthlyCoins('acct_nope'), '--amount', '5000'], 'no account with id acct_nope'],
		[
			['create-api-key', '--name', 'mine', '--account', 'acct_nope'],
			'no account with id acct_nope'
		],
		[
			[
				'set-limit',
				'--account',
				'acct_x',
				'--applies-to',
				'gift',
				'--metric',
				'money',
				'--period',
				'day',
				'--amount',
				'100'
			],
			'metric: Gifts are paid in coins'
		]
	])('refuses %j with exit code 2 and a message', async (args, message) => {
		const result = await runCli('admin', args, ctx.url);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(message);
	});

	it(
		'creates an API key shown once, lists it without the secret, and revokes it',
		async () => {
			const created = await runCli('admin', ['create-api-key', '--name', 'shop'], ctx.url);
			expect(created.code).toBe(0);
			const key = created.json!.apiKey as string;
			expect(key).toMatch(/^cg_[a-z2-7]{32}$/);
			const row = await ctx.database.db
				.selectFrom('api_keys')
				.selectAll()
				.executeTakeFirstOrThrow();
			expect(row.key_hash).not.toContain(key);

			const listed = await runCli('admin', ['list-api-keys'], ctx.url);
			expect(listed.stdout).not.toContain(key);
			const keys = listed.json!.apiKeys as { id: string; name: string; revokedAt: string | null }[];
			expect(keys).toEqual([
				expect.objectContaining({ id: created.json!.apiKeyId, name: 'shop', revokedAt: null })
			]);

			const revoked = await runCli('admin', ['revoke-api-key', '--id', keys[0]!.id], ctx.url);
			expect(revoked.json).toEqual({ revoked: keys[0]!.id });
			const after = await runCli('admin', ['list-api-keys'], ctx.url);
			expect((after.json!.apiKeys as { revokedAt: string | null }[])[0]!.revokedAt).not.toBeNull();
		},
		SEVERAL_COMMANDS
	);

	it(
		'creates a personal read-only key with --account, and lists each key with its kind',
		async () => {
			const user = await runCli(
				'admin',
				['create-user', '--email', 'keyholder@example.com', '--password', 'cli passphrase'],
				ctx.url
			);
			const accountId = user.json!.accountId as string;
			const personal = await runCli(
				'admin',
				['create-api-key', '--name', 'my reports', '--account', accountId],
				ctx.url
			);
			expect(personal.code, personal.stderr).toBe(0);
			expect(personal.json!.apiKey).toMatch(/^cg_/);
			const operator = await runCli('admin', ['create-api-key', '--name', 'gift button'], ctx.url);

			const listed = await runCli('admin', ['list-api-keys'], ctx.url);
			const keys = listed.json!.apiKeys as { id: string }[];
			expect(keys.find((k) => k.id === personal.json!.apiKeyId)).toMatchObject({
				name: 'my reports',
				kind: 'personal',
				accountId,
				scopes: ['read']
			});
			expect(keys.find((k) => k.id === operator.json!.apiKeyId)).toMatchObject({
				name: 'gift button',
				kind: 'operator',
				accountId: null,
				scopes: ['purchase']
			});
		},
		SEVERAL_COMMANDS
	);
});

describeEachDatabase('admin CLI add-to-family', (ctx) => {
	const user = async (email: string, minor = false) => {
		const args = ['create-user', '--email', email, '--password', 'cli passphrase'];
		const result = await runCli('admin', minor ? [...args, '--minor'] : args, ctx.url);
		return result.json!.accountId as string;
	};
	const addToFamily = (guardian: string, minor: string) =>
		runCli('admin', ['add-to-family', '--guardian', guardian, '--minor', minor], ctx.url);

	it(
		'puts a guardian and a minor in one family; a second guardian joins the same family',
		async () => {
			const [first, second, child] = await Promise.all([
				user('g1@example.com'),
				user('g2@example.com'),
				user('kid@example.com', true)
			]);
			const made = await addToFamily(first, child);
			expect(made.code, made.stderr).toBe(0);
			expect(made.stdout.trim().split('\n')).toHaveLength(1);
			const familyId = made.json!.familyId as string;
			expect(familyId).toMatch(/^fam_/);

			expect((await addToFamily(first, child)).json).toEqual({ familyId });
			expect((await addToFamily(second, child)).json).toEqual({ familyId });

			const members = await ctx.database.db
				.selectFrom('family_members')
				.select(['account_id', 'role'])
				.where('family_id', '=', familyId)
				.orderBy('account_id')
				.execute();
			expect(members).toEqual(
				[
					{ account_id: first, role: 'guardian' },
					{ account_id: second, role: 'guardian' },
					{ account_id: child, role: 'minor' }
				].sort((a, b) => a.account_id.localeCompare(b.account_id))
			);
			const log = await ctx.database.db
				.selectFrom('audit_log')
				.select(['action', 'actor_id', 'subject_id'])
				.where('family_id', '=', familyId)
				.execute();
			expect(log.filter((e) => e.action === 'member.added')).toHaveLength(3);
			expect(log.every((e) => e.actor_id === null)).toBe(true);
		},
		SEVERAL_COMMANDS
	);

	it(
		'a minor made by create-user --minor starts safe, and can buy only once in a family',
		async () => {
			const [guardian, child] = await Promise.all([
				user('safe-g@example.com'),
				user('safe-kid@example.com', true)
			]);
			const rules = await ctx.database.db
				.selectFrom('account_rules')
				.selectAll()
				.where('account_id', '=', child)
				.executeTakeFirstOrThrow();
			expect(rules).toMatchObject({
				purchases_blocked: 0,
				gifting_allowed: 0,
				channels: 'app,web'
			});
			const { key } = await apiKeys.create(ctx.database.db, 'cli test flow');
			const flow = (await apiKeys.authenticate(ctx.database.db, key))!;
			const buy = (n: number) =>
				holds.authorize(
					ctx.database,
					flow,
					authorizeInput.parse({
						idempotencyKey: `cli-safe-${n}`,
						accountId: child,
						kind: 'recharge',
						coins: 60,
						price: { amount: 99, currency: 'USD' }
					})
				);
			const alone = await buy(1);
			expect(alone.decision).toBe('declined');
			expect(alone.reasons.map((r) => r.code)).toEqual(['purchases_blocked', 'per_purchase_limit']);
			expect((await addToFamily(guardian, child)).code).toBe(0);
			expect(await buy(2)).toMatchObject({
				decision: 'pending_approval',
				reasons: [
					expect.objectContaining({ message: "Every recharge needs a guardian's approval." })
				]
			});
		},
		SEVERAL_COMMANDS
	);

	it(
		'refuses bad ids with exit code 2 and a message, and changes nothing',
		async () => {
			const [adult, other, child, otherChild, sibling] = await Promise.all([
				user('adult@example.com'),
				user('other@example.com'),
				user('child@example.com', true),
				user('child2@example.com', true),
				user('sibling@example.com', true)
			]);
			await addToFamily(other, otherChild);
			const cases: [string[], string][] = [
				[['add-to-family', '--guardian', adult], '--minor is required'],
				[
					['add-to-family', '--guardian', 'acct_nope', '--minor', child],
					'no account with id acct_nope'
				],
				[
					['add-to-family', '--guardian', adult, '--minor', 'acct_nope'],
					'no account with id acct_nope'
				],
				[['add-to-family', '--guardian', adult, '--minor', other], 'is not a minor'],
				[['add-to-family', '--guardian', child, '--minor', child], 'cannot be a guardian']
			];
			// Each refusal is its own process; none depends on another, so they run at once.
			const results = await Promise.all(cases.map(([args]) => runCli('admin', args, ctx.url)));
			for (const [i, [args, message]] of cases.entries()) {
				expect(results[i]!.code, args.join(' ')).toBe(2);
				expect(results[i]!.stdout).toBe('');
				expect(results[i]!.stderr).toContain(message);
			}
			const before = await ctx.database.db
				.selectFrom('family_members')
				.selectAll()
				.where('account_id', 'in', [adult, other, child, otherChild])
				.execute();
			expect(before.map((m) => m.account_id).sort()).toEqual([other, otherChild].sort());

			// A guardian and a minor each in a family of their own cannot be put together.
			await addToFamily(adult, sibling);
			const clash = await addToFamily(adult, otherChild);
			expect(clash.code).toBe(2);
			expect(clash.stderr).toContain('are in different families');
			const member = await ctx.database.db
				.selectFrom('family_members')
				.select('family_id')
				.where('account_id', '=', otherChild)
				.executeTakeFirstOrThrow();
			expect(member.family_id).not.toBe(
				(
					await ctx.database.db
						.selectFrom('family_members')
						.select('family_id')
						.where('account_id', '=', adult)
						.executeTakeFirstOrThrow()
				).family_id
			);
		},
		SEVERAL_COMMANDS
	);
});

describe('admin CLI with bad arguments', () => {
	it('touches no database: no file is created', async () => {
		const path = join(mkdtempSync(join(tmpdir(), 'coinguard-cli-')), 'never.db');
		const result = await runCli('admin', ['create-user', '--email', 'nope'], path);
		expect(result.code).toBe(2);
		expect(existsSync(path)).toBe(false);
	});
});
