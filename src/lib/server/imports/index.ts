import type { Kysely } from 'kysely';
import { bare } from '$lib/schemas/creator';
import type { Database } from '../db';
import type { DB } from '../db/schema';
import { writeTransaction } from '../db/transaction';
import * as creators from '../creators';
import { newId } from '../ids';
import * as lock from '../ledger/lock';
import * as totals from '../ledger/totals';
import * as parse from './parse';

export { ImportFileError, FIELDS, FIELD_LABELS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './parse';
export type { Mapping, RowError, ImportRow } from './parse';

// Importing another app's history: every row checked first, then all of it written in one
// transaction (ledger entries, creators first seen, the coin balance, the period totals
// rebuilt), so a failed import changes nothing. Rows already imported (same source id, or
// same content when the file has no ids) are skipped and counted.

export interface Account {
	id: string;
	timeZone: string;
	currency: string;
}

export interface PreviewRow {
	line: number;
	cells: string[];
	becomes: parse.ImportRow | null;
	errors: parse.RowError[];
}

export interface Checked {
	headers: string[];
	mapping: parse.Mapping;
	rows: parse.ImportRow[];
	errors: parse.RowError[];
	total: number;
	preview: PreviewRow[];
}

const PREVIEW_ROWS = 10;
/** Errors listed at most; the count says how many there are. */
export const MAX_LISTED_ERRORS = 100;

/** The file read, mapped (guessed when no mapping is given) and every row checked. */
export function check(
	text: string,
	account: Account,
	mapping: parse.Mapping | null,
	now: number
): Checked {
	const table = parse.read(text);
	const used = mapping ?? parse.guess(table.headers);
	const rows: parse.ImportRow[] = [];
	const errors: parse.RowError[] = [];
	const preview: PreviewRow[] = [];
	for (const { line, cells } of table.rows) {
		const result = parse.row(cells, line, used, account, now);
		if (result.ok) rows.push(result.row);
		else errors.push(...result.errors);
		if (preview.length < PREVIEW_ROWS) {
			preview.push({
				line,
				cells,
				becomes: result.ok ? result.row : null,
				errors: result.ok ? [] : result.errors
			});
		}
	}
	return { headers: table.headers, mapping: used, rows, errors, total: table.rows.length, preview };
}

export interface Outcome {
	imported: number;
	duplicates: number;
	creatorsRecorded: number;
}

export class ImportRefused extends Error {}

const BATCH = 500;
/**
 * New creators one import may record. The creators table is shared by every account, so a
 * file of invented names must not fill it (the purchase API holds keys to 100 an hour).
 */
export const MAX_NEW_CREATORS = 200;

/**
 * Writes checked rows as the account's ledger entries, in one transaction. `progress` hears
 * how many rows are done, for a progress bar.
 */
export async function run(
	database: Database,
	account: Account,
	rows: parse.ImportRow[],
	now: number,
	progress: (done: number, total: number) => void = () => {}
): Promise<Outcome> {
	return writeTransaction(database, async (trx) => {
		// The lock every hold and capture of the account takes: the totals are rebuilt below.
		const locked = await lock.account(trx, database, account.id, now);
		if (!locked) throw new ImportRefused('The account is gone.');
		const creatorIds = await resolveCreators(trx, rows, now);
		const fresh = await withoutDuplicates(trx, account.id, rows);
		let net = 0;
		for (let i = 0; i < fresh.length; i += BATCH) {
			const batch = fresh.slice(i, i + BATCH);
			await trx
				.insertInto('ledger_entries')
				.values(
					batch.map((row) => {
						net += row.coins;
						return {
							id: newId('led'),
							account_id: account.id,
							kind: row.kind,
							coins: row.coins,
							price_amount: row.priceAmount,
							currency: row.currency,
							creator_id: row.creator ? creatorIds.get(row.creator)! : null,
							gift_id: null,
							pack_id: null,
							channel: 'app' as const,
							payment_method: null,
							authorization_id: null,
							occurred_at: row.occurredAt,
							source_ref: row.sourceRef
						};
					})
				)
				.execute();
			progress(Math.min(i + BATCH, fresh.length), fresh.length);
		}
		const balance = Number(locked.coin_balance) + net;
		if (balance < 0) {
			throw new ImportRefused(
				`The file's gifts spend ${(-balance).toLocaleString('en-US')} coins more than the account has with its recharges. Nothing was imported.`
			);
		}
		if (fresh.length) {
			await trx
				.updateTable('accounts')
				.set({ coin_balance: balance })
				.where('id', '=', account.id)
				.execute();
			await totals.rebuild(trx, account.id);
		}
		return {
			imported: fresh.length,
			duplicates: rows.length - fresh.length,
			creatorsRecorded: creatorIds.recorded
		};
	});
}

/** Each spelling's creator id: a known creator's, or a new creator recorded as first seen. */
async function resolveCreators(trx: Kysely<DB>, rows: parse.ImportRow[], now: number) {
	const ids = new Map<string, string>() as Map<string, string> & { recorded: number };
	ids.recorded = 0;
	for (const spelling of new Set(rows.flatMap((r) => (r.creator ? [r.creator] : [])))) {
		let id = await creators.find(trx, spelling);
		if (!id) {
			if (ids.recorded >= MAX_NEW_CREATORS) {
				throw new ImportRefused(
					`The file names more than ${MAX_NEW_CREATORS} creators Coinguard has not seen. Import it in parts, or check the creator column. Nothing was imported.`
				);
			}
			id = bare(spelling);
			await trx
				.insertInto('creators')
				.values({
					id,
					handle: null,
					display_name: id,
					first_seen_at: now,
					created_by_api_key_id: null
				})
				.execute();
			ids.recorded++;
		}
		ids.set(spelling, id);
	}
	return ids;
}

/** The rows neither in the account's ledger already nor earlier in the same file. */
async function withoutDuplicates(trx: Kysely<DB>, accountId: string, rows: parse.ImportRow[]) {
	const seen = new Set<string>();
	const refs = [...new Set(rows.map((r) => r.sourceRef))];
	for (let i = 0; i < refs.length; i += BATCH) {
		const known = await trx
			.selectFrom('ledger_entries')
			.select('source_ref')
			.where('account_id', '=', accountId)
			.where('source_ref', 'in', refs.slice(i, i + BATCH))
			.execute();
		for (const row of known) seen.add(row.source_ref!);
	}
	return rows.filter((row) => {
		if (seen.has(row.sourceRef)) return false;
		seen.add(row.sourceRef);
		return true;
	});
}
