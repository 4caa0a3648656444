import type { Kysely } from 'kysely';
import * as words from '$lib/notifications';
import type { NoticeData, NotificationKind } from '$lib/schemas/notifications';
import type { DB, Notification } from '../db/schema';

// One account's notices as its bell and its notifications page read them.

export interface Notice {
	id: string;
	kind: NotificationKind;
	data: NoticeData;
	text: string;
	link: string;
	createdAt: string;
	read: boolean;
}

/** How many notices the page lists. */
export const PAGE_SIZE = 50;

export function shape(
	row: Pick<Notification, 'id' | 'kind' | 'data' | 'created_at' | 'read_at'>
): Notice {
	const data = JSON.parse(row.data) as NoticeData;
	return {
		id: row.id,
		kind: row.kind,
		data,
		text: words.sentence(data),
		link: words.link(data),
		createdAt: new Date(row.created_at).toISOString(),
		read: row.read_at !== null
	};
}

/** The newest notices, unread or not. */
export async function list(db: Kysely<DB>, accountId: string): Promise<Notice[]> {
	const rows = await db
		.selectFrom('notifications')
		.select(['id', 'kind', 'data', 'created_at', 'read_at'])
		.where('account_id', '=', accountId)
		.orderBy('created_at', 'desc')
		.orderBy('id')
		.limit(PAGE_SIZE)
		.execute();
	return rows.map(shape);
}

export async function unreadCount(db: Kysely<DB>, accountId: string): Promise<number> {
	const row = await db
		.selectFrom('notifications')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('account_id', '=', accountId)
		.where('read_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Marks one notice read (the caller checked it is the account's); repeating it changes nothing. */
export async function markRead(
	db: Kysely<DB>,
	accountId: string,
	id: string,
	now = Date.now()
): Promise<void> {
	await db
		.updateTable('notifications')
		.set({ read_at: now })
		.where('id', '=', id)
		.where('account_id', '=', accountId)
		.where('read_at', 'is', null)
		.execute();
}

export async function markAllRead(
	db: Kysely<DB>,
	accountId: string,
	now = Date.now()
): Promise<number> {
	const done = await db
		.updateTable('notifications')
		.set({ read_at: now })
		.where('account_id', '=', accountId)
		.where('read_at', 'is', null)
		.executeTakeFirst();
	return Number(done.numUpdatedRows);
}

/** Marks read the account's requests for `approvalId`: the account has just answered it. */
export async function markAnswered(
	db: Kysely<DB>,
	accountId: string,
	approvalId: string,
	now: number
): Promise<void> {
	const asked = await db
		.selectFrom('notifications')
		.select(['id', 'data'])
		.where('account_id', '=', accountId)
		.where('kind', '=', 'approval_requested')
		.where('read_at', 'is', null)
		.execute();
	const answered = asked
		.filter((row) => (JSON.parse(row.data) as { approvalId?: string }).approvalId === approvalId)
		.map((row) => row.id);
	if (answered.length === 0) return;
	await db.updateTable('notifications').set({ read_at: now }).where('id', 'in', answered).execute();
}

/** The account's notices made at or after `since`, oldest first (the live stream's check). */
export function madeSince(db: Kysely<DB>, accountId: string, since: number) {
	return db
		.selectFrom('notifications')
		.select(['id', 'kind', 'data', 'created_at', 'read_at'])
		.where('account_id', '=', accountId)
		.where('created_at', '>=', since)
		.orderBy('created_at')
		.orderBy('id')
		.limit(200)
		.execute();
}
