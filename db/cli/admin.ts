import { parseArgs } from 'node:util';
import { z } from 'zod';
import * as accounts from '../../src/lib/server/accounts';
import * as apiKeys from '../../src/lib/server/auth/api-keys';
import type { Database } from '../../src/lib/server/db';
import { signUp } from '../../src/lib/schemas/account';
import { limitInput, type LimitInput } from '../../src/lib/schemas/limits';
import * as limits from '../../src/lib/server/policy/limits';
import * as family from '../../src/lib/server/family';
import { runCommand, UsageError } from './run';

type Values = Record<string, string | boolean | undefined>;

interface Command<T> {
	options: Record<string, { type: 'string' | 'boolean' }>;
	/** Checks the arguments without touching the database. */
	parse(values: Values): T;
	run(database: Database, input: T): Promise<unknown>;
}

function required(values: Values, name: string): string {
	const value = values[name];
	if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
	return value;
}

function check<T>(schema: z.ZodType<T>, input: unknown): T {
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		const field = issue.path.join('.');
		throw new UsageError(field ? `${field}: ${issue.message}` : issue.message);
	}
	return parsed.data;
}

const createUser: Command<z.infer<typeof signUp> & { isMinor: boolean }> = {
	options: {
		email: { type: 'string' },
		password: { type: 'string' },
		name: { type: 'string' },
		'time-zone': { type: 'string' },
		currency: { type: 'string' },
		locale: { type: 'string' },
		minor: { type: 'boolean' }
	},
	parse(values) {
		const email = required(values, 'email');
		const input = check(signUp, {
			email,
			password: required(values, 'password'),
			displayName: values.name ?? email.split('@')[0],
			timeZone: values['time-zone'],
			currency: values.currency,
			locale: values.locale
		});
		return { ...input, isMinor: values.minor === true };
	},
	async run({ db }, input) {
		try {
			const account = await accounts.create(db, input);
			return { accountId: account.id };
		} catch (error) {
			if (error instanceof accounts.EmailTakenError) throw new UsageError(error.message);
			throw error;
		}
	}
};

const createApiKey: Command<{ name: string; accountId: string | null }> = {
	options: { name: { type: 'string' }, account: { type: 'string' } },
	parse: (values) => ({
		name: check(z.string().trim().min(1).max(100), required(values, 'name')),
		// With --account, a personal key: read-only, for that account's own reports.
		accountId: values.account === undefined ? null : required(values, 'account')
	}),
	async run({ db }, { name, accountId }) {
		if (accountId !== null && !(await accounts.get(db, accountId))) {
			throw new UsageError(`no account with id ${accountId}`);
		}
		const { id, key } = await apiKeys.create(db, name, { ownerId: accountId });
		return { apiKeyId: id, apiKey: key };
	}
};

const iso = (millis: number | null) => (millis === null ? null : new Date(millis).toISOString());

const listApiKeys: Command<null> = {
	options: {},
	parse: () => null,
	async run({ db }) {
		const keys = await apiKeys.list(db);
		return {
			apiKeys: keys.map((k) => ({
				id: k.id,
				name: k.name,
				prefix: k.key_prefix,
				kind: apiKeys.isOperator(k) ? 'operator' : 'personal',
				accountId: k.account_id,
				scopes: k.scopes.split(' '),
				createdAt: iso(k.created_at),
				lastUsedAt: iso(k.last_used_at),
				revokedAt: iso(k.revoked_at)
			}))
		};
	}
};

const revokeApiKey: Command<string> = {
	options: { id: { type: 'string' } },
	parse: (values) => required(values, 'id'),
	async run({ db }, id) {
		if (!(await apiKeys.revoke(db, id))) throw new UsageError(`no API key with id ${id}`);
		return { revoked: id };
	}
};

const setLimit: Command<LimitInput & { accountId: string }> = {
	options: {
		account: { type: 'string' },
		'applies-to': { type: 'string' },
		metric: { type: 'string' },
		period: { type: 'string' },
		amount: { type: 'string' },
		creator: { type: 'string' },
		action: { type: 'string' }
	},
	parse(values) {
		const accountId = required(values, 'account');
		const input = check(limitInput, {
			appliesTo: required(values, 'applies-to'),
			metric: required(values, 'metric'),
			period: required(values, 'period'),
			amount: required(values, 'amount'),
			creatorId: values.creator,
			action: values.action
		});
		return { ...input, accountId };
	},
	async run({ db }, { accountId, ...input }) {
		const account = await db
			.selectFrom('accounts')
			.select(['id', 'currency'])
			.where('id', '=', accountId)
			.executeTakeFirst();
		if (!account) throw new UsageError(`no account with id ${accountId}`);
		// The operator's limits take effect at once; money limits are in the account's currency.
		const currency = input.metric === 'money' ? account.currency : null;
		const limit = await limits.add(
			db,
			account.id,
			{ ...input, currency },
			{ role: 'operator', accountId: null },
			Date.now()
		);
		return { limitId: limit.id };
	}
};

const addToFamily: Command<{ guardianId: string; minorId: string }> = {
	options: { guardian: { type: 'string' }, minor: { type: 'string' } },
	parse: (values) => ({
		guardianId: required(values, 'guardian'),
		minorId: required(values, 'minor')
	}),
	async run({ db }, { guardianId, minorId }) {
		try {
			return { familyId: await family.link(db, guardianId, minorId) };
		} catch (error) {
			if (error instanceof family.FamilyError) throw new UsageError(error.message);
			throw error;
		}
	}
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const commands: Record<string, Command<any>> = {
	'create-user': createUser,
	'create-api-key': createApiKey,
	'list-api-keys': listApiKeys,
	'revoke-api-key': revokeApiKey,
	'set-limit': setLimit,
	'add-to-family': addToFamily
};

const usage = `usage: npm run admin -- <command> [--option value …]\ncommands: ${Object.keys(commands).join(', ')}`;
const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;

await runCommand(
	() => {
		if (!command) throw new UsageError(name ? `unknown command "${name}"\n${usage}` : usage);
		const { values } = parseArgs({ args, options: command.options, strict: true });
		return command.parse(values);
	},
	(database, input) => command!.run(database, input)
);
