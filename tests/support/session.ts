import type { Kysely } from 'kysely';
import * as accounts from '../../src/lib/server/accounts';
import * as sessions from '../../src/lib/server/auth/sessions';
import type { DB } from '../../src/lib/server/db/schema';

/**
 * A new account with a session, for tests whose subject is not the log-in page: the
 * `Cookie` header value that a browser logged in as it would send. Its pages are in en-US
 * unless `options.locale` says otherwise.
 */
export async function signedInAccount(
	db: Kysely<DB>,
	email: string,
	options: { locale?: string; currency?: string } = {}
): Promise<{ accountId: string; cookie: string }> {
	const account = await accounts.create(db, {
		email,
		displayName: 'Test Person',
		password: 'a passphrase that is long',
		timeZone: 'Europe/Paris',
		currency: options.currency ?? 'EUR',
		locale: options.locale
	});
	const { token } = await sessions.create(db, account.id, { userAgent: 'test', ip: null });
	return { accountId: account.id, cookie: `${sessions.COOKIE_NAME}=${token}` };
}
