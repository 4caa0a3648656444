import type { Kysely } from 'kysely';
import type { NoticeData } from '$lib/schemas/notifications';
import { afterCommit } from '../db/transaction';
import type { DB } from '../db/schema';
import { newId } from '../ids';
import * as email from './email';
import * as live from './live';

/**
 * Writes one notice per recipient in the caller's transaction, so notices exist exactly when
 * the event that caused them committed; once it has, their streams are woken and the e-mail
 * outbox is asked to send. A notice recorded `read` (about what the recipient did themselves)
 * moves their open pages but adds nothing to their unread count, and is not mailed.
 */
export async function record(
	trx: Kysely<DB>,
	recipients: readonly string[],
	data: NoticeData,
	now: number,
	options: { read?: boolean } = {}
): Promise<void> {
	const to = [...new Set(recipients)];
	if (to.length === 0) return;
	const read = options.read ?? false;
	const mailed = email.enabled() && !read;
	await trx
		.insertInto('notifications')
		.values(
			to.map((accountId) => ({
				id: newId('ntf'),
				account_id: accountId,
				kind: data.kind,
				data: JSON.stringify(data),
				created_at: now,
				read_at: read ? now : null,
				email_status: mailed ? ('pending' as const) : ('none' as const),
				email_attempts: 0,
				email_next_at: mailed ? now : null
			}))
		)
		.execute();
	afterCommit(trx, () => {
		live.publish(to);
		if (mailed) email.kick();
	});
}
