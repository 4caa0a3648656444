import { fail, type ActionFailure } from '@sveltejs/kit';
import type { Kysely } from 'kysely';
import { ASK_FOR_PASSWORD, REAUTH_MINUTES } from '../../reauth';
import * as accounts from '../accounts';
import type { DB } from '../db/schema';
import * as sessions from './sessions';
import * as throttle from './throttle';

// Re-authentication for changes a stolen, unlocked phone should not be able to make (removing
// a family member, loosening a minor's caps, turning approvals off): the guardian types their
// password again unless they did within the last REAUTH_WINDOW in this session.

export const REAUTH_WINDOW = REAUTH_MINUTES * 60_000;

/** The form field the password comes back in (ReauthPassword.svelte names it so). */
export const PASSWORD_FIELD = 'password';

/** What a form shows when it needs the password; `message` says why. */
export interface NeedsPassword {
	needsPassword: true;
	message: string;
	/** The password was typed and was wrong (or throttled): the field is marked invalid. */
	wrongPassword: boolean;
}

/** Whether the session's password was typed recently enough for a sensitive change. */
export function isRecent(session: { passwordAt: number | null }, now = Date.now()): boolean {
	return session.passwordAt !== null && now - session.passwordAt < REAUTH_WINDOW;
}

/**
 * Called by a form action before a sensitive change: null to go on; otherwise the failure to
 * return, carrying `extra` (what the form needs to show itself again). A right password is
 * recorded on the session, so the next ten minutes need none; a wrong one changes nothing and
 * counts against the account's password throttle (shared with the change-password form).
 */
export async function confirm<Extra extends Record<string, unknown>>(
	db: Kysely<DB>,
	locals: App.Locals,
	password: string | null | undefined,
	extra: Extra = {} as Extra,
	now = Date.now()
): Promise<ActionFailure<NeedsPassword & Extra> | null> {
	const session = locals.session!;
	if (isRecent(session, now)) return null;
	if (!password) {
		return fail(401, {
			...extra,
			needsPassword: true,
			message: ASK_FOR_PASSWORD,
			wrongPassword: false
		});
	}
	const checked = await accounts.checkPassword(db, locals.user!.id, password, now);
	if (!checked.ok) {
		const [status, message] =
			checked.reason === 'throttled'
				? [429, `${throttle.tooManyAttempts(checked.retryAfterMinutes)} Nothing was changed.`]
				: [400, 'That password is wrong, so nothing was changed. Type it again.'];
		return fail(status, { ...extra, needsPassword: true, message, wrongPassword: true });
	}
	await sessions.passwordEntered(db, session.id, now);
	// This request goes on with the fresh time too.
	locals.session = { ...session, passwordAt: now };
	return null;
}
