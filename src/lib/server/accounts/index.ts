import type { Kysely } from 'kysely';
import type { SignUp } from '$lib/schemas/account';
import { DEFAULT_LOCALE } from '$lib/schemas/locale';
import type { Account, DB } from '../db/schema';
import { newId } from '../ids';
import * as passwords from '../auth/passwords';
import * as throttle from '../auth/throttle';
import { inTransaction } from '../db/transaction';
import * as accountRules from '../policy/account-rules';

export class EmailTakenError extends Error {
	constructor() {
		super('An account with that e-mail address already exists. Log in instead.');
	}
}

export interface NewAccountInput extends Omit<SignUp, 'locale'> {
	/** Language and number format, already canonical; en-US when not given. */
	locale?: string;
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
		locale: input.locale ?? DEFAULT_LOCALE,
		birth_year: input.birthYear ?? null,
		is_minor: input.isMinor ? 1 : 0,
		created_at: now
	};
	return inTransaction(db, async (trx) => {
		// The unique index decides; a pre-check alone would race with a concurrent sign-up.
		const inserted = await trx
			.insertInto('accounts')
			.values(values)
			.onConflict((oc) => oc.column('email').doNothing())
			.returningAll()
			.executeTakeFirst();
		if (!inserted) throw new EmailTakenError();
		// A minor starts safe, in the same transaction: never a moment without the defaults.
		if (input.isMinor) await accountRules.startSafe(trx, inserted.id, now);
		return inserted;
	});
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

/** Why a password check did not pass: a wrong password, or too many attempts to check one. */
export type CheckFailure =
	{ ok: false; reason: 'invalid' } | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

export type LogInResult = { ok: true; account: Account } | CheckFailure;

function throttled(reservation: { retryAfterMinutes: number }): CheckFailure {
	return { ok: false, reason: 'throttled', retryAfterMinutes: reservation.retryAfterMinutes };
}

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
	const [emailKey, ...addressKeys] = throttle.keysFor(email, ip);
	// Taken before the slow hash, so that requests arriving together cannot all be checked.
	const reservation = await throttle.reserve(db, [emailKey, ...addressKeys], now);
	if (!reservation.granted) return throttled(reservation);

	const account = await findByEmail(db, email);
	const valid = account
		? await passwords.verify(account.password_hash, password)
		: await passwords.verifyAgainstNothing(password);
	// A wrong password keeps its reservation: that is the recorded failure.
	if (!account || !valid) return { ok: false, reason: 'invalid' };
	// The owner starts afresh; the address only gets this attempt back, so logging in to an
	// account of one's own never wipes the count of guesses made at other accounts.
	await throttle.clear(db, emailKey);
	await throttle.giveBack(db, reservation, addressKeys);
	return { ok: true, account };
}

/**
 * Checks the password of a signed-in account, throttled per account (the change-password form
 * and re-authentication share the count, so neither gives extra guesses).
 */
export async function checkPassword(
	db: Kysely<DB>,
	accountId: string,
	password: string,
	now = Date.now()
): Promise<{ ok: true; account: Account } | CheckFailure> {
	const key = throttle.accountKey(accountId);
	const reservation = await throttle.reserve(db, [key], now);
	if (!reservation.granted) return throttled(reservation);

	const account = await get(db, accountId);
	// A wrong password keeps its reservation: that is the recorded failure.
	if (!account || !(await passwords.verify(account.password_hash, password))) {
		return { ok: false, reason: 'invalid' };
	}
	await throttle.clear(db, key);
	return { ok: true, account };
}

/** Sets a new password when the current one is right; the check is throttled per account. */
export async function changePassword(
	db: Kysely<DB>,
	accountId: string,
	currentPassword: string,
	newPassword: string,
	now = Date.now()
): Promise<{ ok: true } | CheckFailure> {
	const checked = await checkPassword(db, accountId, currentPassword, now);
	if (!checked.ok) return checked;
	const passwordHash = await passwords.hash(newPassword);
	await db
		.updateTable('accounts')
		.set({ password_hash: passwordHash })
		.where('id', '=', accountId)
		.execute();
	return { ok: true };
}

export async function count(db: Kysely<DB>): Promise<number> {
	const row = await db
		.selectFrom('accounts')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The gift size (coins) above which sending asks for a confirmation first; null: never. */
export async function giftConfirmOver(db: Kysely<DB>, id: string): Promise<number | null> {
	const row = await db
		.selectFrom('accounts')
		.select('gift_confirm_over')
		.where('id', '=', id)
		.executeTakeFirst();
	return row?.gift_confirm_over ?? null;
}

export async function setGiftConfirmOver(
	db: Kysely<DB>,
	id: string,
	coins: number | null
): Promise<void> {
	await db.updateTable('accounts').set({ gift_confirm_over: coins }).where('id', '=', id).execute();
}

/** Sets the language and number format of the account's pages (a canonical tag, see schemas/locale). */
export async function setLocale(db: Kysely<DB>, id: string, locale: string): Promise<void> {
	await db.updateTable('accounts').set({ locale }).where('id', '=', id).execute();
}
