import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { isCurrency } from '$lib/schemas/common';
import { normalizeCreatorId } from '$lib/schemas/creator';
import { MAX_COINS, MAX_PRICE_MINOR, type PurchaseKind } from '$lib/schemas/purchase';
import { minorDigits } from '$lib/money';

// An import of another app's history, before any database: the CSV read (csv-parse), its
// columns mapped to ours, each row turned into a ledger entry or an error naming its line
// and field. Pure, so that the preview and the import read a file the same way.

export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

/** Our fields, and whether a file must have a column for each. */
export const FIELDS = [
	'date',
	'kind',
	'coins',
	'amount',
	'currency',
	'creator',
	'sourceId'
] as const;
export type Field = (typeof FIELDS)[number];
export const FIELD_LABELS: Record<Field, string> = {
	date: 'Date',
	kind: 'Kind (recharge or gift)',
	coins: 'Coins',
	amount: 'Money amount',
	currency: 'Currency',
	creator: 'Creator',
	sourceId: 'Source transaction id'
};
/** Which columns a mapping must name; the others may be left out. */
export const REQUIRED: readonly Field[] = ['date', 'coins'];

/** Column index of each field in the file, or null when the file has none. */
export type Mapping = Record<Field, number | null>;

export interface Table {
	headers: string[];
	/** Data rows, each with the line of the file it started on. */
	rows: { line: number; cells: string[] }[];
}

export class ImportFileError extends Error {}

/** The file read as CSV (header row first), or an ImportFileError saying what is wrong. */
export function read(text: string): Table {
	if (Buffer.byteLength(text) > MAX_IMPORT_BYTES) {
		throw new ImportFileError(
			`The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB. Split it and import each part.`
		);
	}
	let records: { record: string[]; info: { lines: number } }[];
	try {
		records = parseCsv(text.replace(/^\uFEFF/, ''), {
			info: true,
			relax_column_count: true,
			skip_empty_lines: true,
			trim: true,
			to: MAX_IMPORT_ROWS + 2
		}) as unknown as { record: string[]; info: { lines: number } }[];
	} catch (cause) {
		const message = cause instanceof Error ? cause.message : String(cause);
		throw new ImportFileError(`The file is not readable as CSV: ${message}`);
	}
	if (records.length === 0) throw new ImportFileError('The file is empty: it needs a header row.');
	if (records.length > MAX_IMPORT_ROWS + 1) {
		throw new ImportFileError(
			`The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows. Split it and import each part.`
		);
	}
	const [header, ...rest] = records;
	// The line a record ends on: its line, unless a quoted field ran over several.
	return {
		headers: header!.record,
		rows: rest.map((r) => ({ line: r.info.lines, cells: r.record }))
	};
}

const GUESSES: Record<Field, RegExp> = {
	date: /^(date|time|timestamp|occurred|created|when|datetime)/i,
	kind: /^(kind|type|transaction.?type|category)$/i,
	coins: /^(coins?|coin.?amount|quantity)$/i,
	amount: /^(amount|price|paid|cost|money|total)$/i,
	currency: /^(currency|ccy|currency.?code)$/i,
	creator: /^(creator|creator.?(id|handle|name)|recipient|to|streamer)$/i,
	sourceId: /^(id|transaction.?id|txn.?id|reference|ref|order.?id)$/i
};

/** A first mapping from the header names (the person checks and changes it). */
export function guess(headers: string[]): Mapping {
	const mapping = Object.fromEntries(FIELDS.map((f) => [f, null])) as Mapping;
	const taken = new Set<number>();
	for (const field of FIELDS) {
		const index = headers.findIndex((h, i) => !taken.has(i) && GUESSES[field].test(h.trim()));
		if (index >= 0) {
			mapping[field] = index;
			taken.add(index);
		}
	}
	return mapping;
}

/** A mapping from a form (`map.date` = column number, or '' for none), or a message. */
export function mappingFrom(
	form: Record<string, string>,
	columns: number
): { ok: true; mapping: Mapping } | { ok: false; message: string } {
	const mapping = {} as Mapping;
	for (const field of FIELDS) {
		const raw = form[`map.${field}`] ?? '';
		if (raw === '') {
			mapping[field] = null;
			continue;
		}
		const index = Number(raw);
		if (!Number.isInteger(index) || index < 0 || index >= columns) {
			return { ok: false, message: `${FIELD_LABELS[field]}: choose one of the file's columns.` };
		}
		mapping[field] = index;
	}
	for (const field of REQUIRED) {
		if (mapping[field] === null) {
			return { ok: false, message: `${FIELD_LABELS[field]}: the file needs a column for it.` };
		}
	}
	return { ok: true, mapping };
}

export interface ImportRow {
	line: number;
	kind: PurchaseKind;
	/** Signed as in the ledger: + for a recharge, − for a gift. */
	coins: number;
	priceAmount: number | null;
	currency: string | null;
	/** The creator as the file spells it (gifts only), normalized. */
	creator: string | null;
	occurredAt: number;
	/** `id:<source id>`, or `hash:<content hash>` when the file has no id for the row. */
	sourceRef: string;
}

export interface RowError {
	line: number;
	field: string;
	message: string;
}

const KINDS: Record<string, PurchaseKind> = {
	recharge: 'recharge',
	purchase: 'recharge',
	topup: 'recharge',
	'top-up': 'recharge',
	buy: 'recharge',
	gift: 'gift',
	send: 'gift',
	tip: 'gift'
};

function when(text: string, timeZone: string): DateTime | null {
	for (const parse of [DateTime.fromISO, DateTime.fromSQL]) {
		const value = parse(text, { zone: timeZone, setZone: true });
		if (value.isValid) return value;
	}
	return null;
}

/** "4.99" in USD → 499; null when not a plain decimal with at most the currency's digits. */
export function minorUnits(text: string, currency: string): number | null {
	const match = /^(\d{1,15})(?:[.,](\d+))?$/.exec(text.replace(/\s/g, ''));
	if (!match) return null;
	const digits = minorDigits(currency);
	const fraction = match[2] ?? '';
	if (fraction.length > digits) return null;
	return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
}

/**
 * One data row as a ledger entry, or its errors. Dates without an offset are in the account's
 * time zone; `now` bounds them (no history from the future).
 */
export function row(
	cells: string[],
	line: number,
	mapping: Mapping,
	account: { timeZone: string; currency: string },
	now: number
): { ok: true; row: ImportRow } | { ok: false; errors: RowError[] } {
	const cell = (field: Field) => {
		const index = mapping[field];
		return index === null ? '' : (cells[index] ?? '').trim();
	};
	const errors: RowError[] = [];
	const fail = (field: Field, message: string) =>
		errors.push({ line, field: FIELD_LABELS[field], message });

	const dateText = cell('date');
	const date = dateText ? when(dateText, account.timeZone) : null;
	if (!dateText) fail('date', 'is empty.');
	else if (!date)
		fail(
			'date',
			`"${dateText.slice(0, 40)}" is not a date such as 2026-11-01 or 2026-11-01T18:30:00Z.`
		);
	else if (date.toMillis() > now) fail('date', 'is in the future.');
	else if (date.year < 2000) fail('date', 'is before 2000.');

	const coinsText = cell('coins').replace(/[\s,_]/g, '');
	const coins = /^[+-−]?\d{1,9}$/.test(coinsText) ? Number(coinsText.replace('−', '-')) : NaN;
	if (!coinsText) fail('coins', 'is empty.');
	else if (!Number.isSafeInteger(coins) || coins === 0 || Math.abs(coins) > MAX_COINS) {
		fail(
			'coins',
			`"${coinsText.slice(0, 20)}" is not a whole number of coins from 1 to ${MAX_COINS.toLocaleString('en-US')}.`
		);
	}

	let kind: PurchaseKind | undefined;
	const kindText = cell('kind').toLowerCase();
	if (kindText) {
		kind = KINDS[kindText];
		if (!kind) fail('kind', `"${kindText.slice(0, 20)}" is neither a recharge nor a gift.`);
	} else if (Number.isFinite(coins) && coins !== 0) {
		// No kind: the sign tells, as in a ledger (+ bought, − given).
		kind = coins > 0 ? 'recharge' : 'gift';
	} else if (mapping.kind !== null) {
		fail('kind', 'is empty.');
	}

	let currency: string | null = null;
	let priceAmount: number | null = null;
	const amountText = cell('amount');
	if (kind === 'recharge') {
		currency = (
			cell('currency') || (mapping.currency === null ? account.currency : '')
		).toUpperCase();
		if (!currency) fail('currency', 'is empty: a recharge needs the currency it was paid in.');
		else if (!isCurrency(currency))
			fail('currency', `"${currency.slice(0, 10)}" is not an ISO 4217 code such as USD.`);
		if (!amountText) fail('amount', 'is empty: a recharge needs what was paid.');
		else if (currency && isCurrency(currency)) {
			priceAmount = minorUnits(amountText, currency);
			if (priceAmount === null) {
				fail(
					'amount',
					`"${amountText.slice(0, 20)}" is not an amount such as 4.99 in ${currency}.`
				);
			} else if (priceAmount > MAX_PRICE_MINOR) fail('amount', 'is too large.');
		}
	}

	let creator: string | null = null;
	if (kind === 'gift') {
		const creatorText = cell('creator');
		if (!creatorText) fail('creator', 'is empty: a gift needs the creator it went to.');
		else if (creatorText.length > 255) fail('creator', 'is longer than 255 characters.');
		else creator = normalizeCreatorId(creatorText);
	}

	const sourceId = cell('sourceId');
	if (sourceId.length > 255) fail('sourceId', 'is longer than 255 characters.');

	if (errors.length || !kind || !date) return { ok: false, errors };
	const occurredAt = date.toMillis();
	const signed = kind === 'recharge' ? Math.abs(coins) : -Math.abs(coins);
	const content = [occurredAt, kind, signed, priceAmount ?? '', currency ?? '', creator ?? ''].join(
		'|'
	);
	return {
		ok: true,
		row: {
			line,
			kind,
			coins: signed,
			priceAmount,
			currency,
			creator,
			occurredAt,
			sourceRef: sourceId
				? `id:${sourceId}`
				: `hash:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`
		}
	};
}
