import nodemailer, { type Transporter } from 'nodemailer';
import * as words from '$lib/notifications';
import type { NoticeData } from '$lib/schemas/notifications';
import type { Database } from '../db';
import * as unavailable from '../db/unavailable';

// The e-mail outbox. A notice is written with e-mail status 'pending' in the transaction of
// its event (when SMTP_URL is set); after the commit a sender claims it with a short lease,
// sends it, and marks it sent, or tries again later, up to MAX_ATTEMPTS. Sending never runs
// inside a purchase: a slow or broken mail server delays e-mails, never purchases.

export const MAX_ATTEMPTS = 4;
/** How long a claimed e-mail is left to its sender before another may try. */
const LEASE_MS = 60_000;
const RETRY_BASE_MS = 30_000;
const BATCH = 20;
const SWEEP_EVERY = 15_000;

export function enabled(): boolean {
	return !!process.env.SMTP_URL;
}

export interface Message {
	to: string;
	subject: string;
	text: string;
}

export type Send = (message: Message) => Promise<void>;

let transporter: Transporter | undefined;

function smtpSend(message: Message): Promise<void> {
	transporter ??= nodemailer.createTransport({
		url: process.env.SMTP_URL,
		// A mail server that does not answer fails the attempt, to be tried again later.
		connectionTimeout: 10_000,
		greetingTimeout: 10_000,
		socketTimeout: 20_000
	});
	const from = process.env.SMTP_FROM || 'Coinguard <notifications@coinguard.invalid>';
	return transporter.sendMail({ from, ...message }).then(() => undefined);
}

/** The e-mail for a notice: its title, its sentence, and where to deal with it. */
export function compose(data: NoticeData, name: string, address: string): Message {
	const origin = process.env.ORIGIN;
	const where = origin ? `\n\nOpen Coinguard: ${origin}${words.link(data)}` : '';
	return {
		to: `"${name.replace(/["\\\r\n]/g, '')}" <${address}>`,
		subject: words.title(data),
		text: `Hello ${name},\n\n${words.sentence(data)}${where}\n\n— Coinguard`
	};
}

/**
 * Sends what is due, a batch at a time; returns how many went out. Each e-mail is claimed with
 * a conditional UPDATE first, so two servers draining at once never send one twice.
 */
export async function sendDue(
	database: Database,
	now = Date.now(),
	send: Send = smtpSend
): Promise<number> {
	const { db } = database;
	const due = await db
		.selectFrom('notifications as n')
		.innerJoin('accounts as a', 'a.id', 'n.account_id')
		.select(['n.id', 'n.data', 'n.email_attempts', 'a.email', 'a.display_name'])
		.where('n.email_status', '=', 'pending')
		.where('n.email_next_at', '<=', now)
		.orderBy('n.email_next_at')
		.limit(BATCH)
		.execute();
	let sent = 0;
	for (const row of due) {
		const attempt = row.email_attempts + 1;
		const claimed = await db
			.updateTable('notifications')
			.set({ email_attempts: attempt, email_next_at: now + LEASE_MS })
			.where('id', '=', row.id)
			.where('email_status', '=', 'pending')
			.where('email_attempts', '=', row.email_attempts)
			.executeTakeFirst();
		if (claimed.numUpdatedRows === 0n) continue;
		const data = JSON.parse(row.data) as NoticeData;
		try {
			await send(compose(data, row.display_name, row.email));
			await db
				.updateTable('notifications')
				.set({ email_status: 'sent', email_next_at: null })
				.where('id', '=', row.id)
				.execute();
			sent++;
		} catch (error) {
			const last = attempt >= MAX_ATTEMPTS;
			console.error(
				`e-mail for notification ${row.id} failed (attempt ${attempt} of ${MAX_ATTEMPTS}${last ? ', giving up' : ''}): ${reasonOf(error)}`
			);
			await db
				.updateTable('notifications')
				.set(
					last
						? { email_status: 'failed', email_next_at: null }
						: { email_next_at: now + RETRY_BASE_MS * 2 ** (attempt - 1) }
				)
				.where('id', '=', row.id)
				.execute();
		}
	}
	return sent;
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

let wake: (() => void) | null = null;

/** Asks the running outbox (if this process has one) to send now. */
export function kick(): void {
	wake?.();
}

/**
 * Runs the outbox in this process: at once when kicked, and every few seconds for retries and
 * for notices another server committed. Failures are logged in one line and never thrown.
 */
export function start(database: () => Database): () => void {
	let running = false;
	let again = false;
	const drain = () => {
		if (running) {
			again = true;
			return;
		}
		running = true;
		sendDue(database())
			.catch((error) => {
				const line = unavailable.isUnavailable(error)
					? unavailable.logLine(error, 'e-mail outbox')
					: `e-mail outbox failed: ${reasonOf(error)}`;
				console.error(line);
			})
			.finally(() => {
				running = false;
				if (again) {
					again = false;
					drain();
				}
			});
	};
	wake = drain;
	const timer = setInterval(drain, SWEEP_EVERY);
	timer.unref();
	return () => {
		clearInterval(timer);
		wake = null;
	};
}
