import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { describeEachDatabase } from '../support/each-database';

describeEachDatabase('admin CLI', (ctx) => {
	it('creates a user and prints its id as one JSON line', async () => {
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
				'--minor'
			],
			ctx.url
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

	it('creates an API key shown once, lists it without the secret, and revokes it', async () => {
		const created = await runCli('admin', ['create-api-key', '--name', 'shop'], ctx.url);
		expect(created.code).toBe(0);
		const key = created.json!.apiKey as string;
		expect(key).toMatch(/^cg_[a-z2-7]{32}$/);
		const row = await ctx.database.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
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
	});
});

describe('admin CLI with bad arguments', () => {
	it('touches no database: no file is created', async () => {
		const path = join(mkdtempSync(join(tmpdir(), 'coinguard-cli-')), 'never.db');
		const result = await runCli('admin', ['create-user', '--email', 'nope'], path);
		expect(result.code).toBe(2);
		expect(existsSync(path)).toBe(false);
	});
});
