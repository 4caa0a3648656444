import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB } from '../db/schema';
import { minorDigits } from '$lib/money';
import * as history from './history';

// The CSV of a history view, streamed: the same keyset query as the page, a batch at a time,
// so a million rows are never in memory and the first bytes leave at once. csv-stringify does
// the RFC 4180 quoting; text that a spreadsheet would run as a formula is neutralised here.

export const HEADER = [
	'id',
	'date',
	'kind',
	'status',
	'coins',
	'amount',
	'currency',
	'creator_id',
	'creator_handle',
	'creator_name',
	'gift',
	'channel',
	'payment_method'
];

/**
 * Text that starts like a formula (= + - @, or a tab or carriage return that some programs
 * skip before one) gets a leading apostrophe, as OWASP's CSV injection advice says, so a
 * creator named `=HYPERLINK(…)` stays text. Only free text is touched; numbers stay numbers.
 */
export function neutralise(text: string | null): string {
	if (text === null) return '';
	return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Minor units as a decimal string in the currency's own digits (499 USD → 4.99). */
export function decimal(amountMinor: number, currency: string): string {
	const digits = minorDigits(currency);
	const sign = amountMinor < 0 ? '-' : '';
	const abs = Math.abs(amountMinor)
		.toString()
		.padStart(digits + 1, '0');
	return digits ? `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}` : `${sign}${abs}`;
}

export function record(row: history.Transaction, timeZone: string): string[] {
	return [
		row.id,
		DateTime.fromMillis(row.occurredAt, { zone: timeZone }).toISO() ?? '',
		row.kind,
		row.status,
		String(row.coins),
		row.priceAmount !== null && row.currency ? decimal(row.priceAmount, row.currency) : '',
		row.currency ?? '',
		neutralise(row.creatorId),
		neutralise(row.creatorHandle),
		neutralise(row.creatorName),
		neutralise(row.giftName),
		row.channel,
		neutralise(row.paymentMethod)
	];
}

/** The view's rows as a stream of CSV text, header first. */
export function stream(
	db: Kysely<DB>,
	accountId: string,
	view: history.View & { timeZone: string },
	batch = 1000
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const pages = history.each(db, accountId, view, batch);
	let headerSent = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!headerSent) {
				headerSent = true;
				controller.enqueue(encoder.encode(stringify([HEADER])));
				return;
			}
			const next = await pages.next();
			if (next.done) {
				controller.close();
				return;
			}
			const records = next.value.map((row) => record(row, view.timeZone));
			controller.enqueue(encoder.encode(stringify(records)));
		},
		async cancel() {
			await pages.return(undefined);
		}
	});
}
