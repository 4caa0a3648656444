import type { Kysely } from 'kysely';
import type { SignUp } from '$lib/schemas/account';
import type { Account, DB } from '../db/schema';
import { newId } from '../ids';
import * as passwords from '../auth/passwords';
import * as throttle from '../auth/throttle';

export class EmailTakenError extends Error {
	constructor() {
		super('An account with that e-mail address already exists. Log in instead.');
	}
}

export interface NewAccountInput extends SignUp {
	isMinor?: boolean;
	birthYear?: number | null;
}

export async function create(
	db: Kysely<DB>,
	input: NewAccountInput,
	now = Date.now()
): Promise<Account> {
	const passwordHash = await passwords.hash(input.password);
	const values = {
		id: newId('acct'),
		email: input.email,
		password_hash: passwordHash,
		display_name: input.displayName,
		time_zone: input.timeZone,
		currency: input.currency,
		birth_year: input.birthYear ?? null,
		is_minor: input.isMinor ? 1 : 0,
		created_at: now
	};
	// The unique index decides; a pre-check alone would race with a concurrent sign-up.
	const inserted = await db
		.insertInto('accounts')
		.values(values)
		.onConflict((oc) => oc.column('email').doNothing())
		.returningAll()
		.executeTakeFirst();
	if (!inserted) throw new EmailTakenError();
	return inserted;
}

export function get(db: Kysely<DB>, id: string): Promise<Account | undefined> {
	return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findByEmail(db: Kysely<DB>, email: string): Promise<Account | undefined> {
	return db
		.selectFrom('accounts')
		.selectAll()
		.where('email', '=', email.toLowerCase())
		.executeTakeFirst();
}

export type LogInResult =
	| { ok: true; account: Account }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/**
 * Checks an e-mail and password, throttled per e-mail and per client address. An unknown
 * e-mail and a wrong password give the same answer in about the same time.
 */
export async function logIn(
	db: Kysely<DB>,
	email: string,
	password: string,
	ip: string | null,
	now = Date.now()
): Promise<LogInResult> {
	const keys = throttle.keysFor(email, ip);
	const wait = await throttle.waitFor(db, keys, now);
	if (wait > 0)
		return { ok: false, reason: 'throttled', retryAfterMinutes: Math.ceil(wait / 60_000) };

	const account = await findByEmail(db, email);
	const valid = account
		? await passwords.verify(account.password_hash, password)
		: await passwords.verifyAgainstNothing(password);
	if (!account || !valid) {
		await throttle.recordFailure(db, keys, now);
		return { ok: false, reason: 'invalid' };
	}
	await throttle.clear(db, keys[0]!);
	return { ok: true, account };
}

export async function changePassword(
	db: Kysely<DB>,
	accountId: string,
	currentPassword: string,
	newPassword: string
): Promise<boolean> {
	const account = await get(db, accountId);
	if (!account || !(await passwords.verify(account.password_hash, currentPassword))) return false;
	const passwordHash = await passwords.hash(newPassword);
	await db
		.updateTable('accounts')
		.set({ password_hash: passwordHash })
		.where('id', '=', accountId)
		.execute();
	return true;
}

export async function count(db: Kysely<DB>): Promise<number> {
	const row = await db
		.selectFrom('accounts')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
