import type { Kysely } from 'kysely';
import { bare, isFolded, isHandle, normalizeCreatorId } from '$lib/schemas/creator';
import type { Database } from '../db';
import type { DB } from '../db/schema';
import { template } from '../db/template';

// Creators are recorded as first seen. A `spelling` is normalized here as the `creatorId`
// schema does ($lib/schemas/creator: trimmed, handle-like spellings case-folded), whatever
// path it came by, before it is looked up, compared or recorded.

/**
 * How many creators no one has seen before one API key may record in an hour. The creators
 * table is shared by every account, so a key (or a bug in a purchase flow) that invents ids
 * would fill it; a real flow meets a few new creators an hour, far below this.
 */
export const NEW_PER_KEY_PER_HOUR = 100;
const HOUR = 3_600_000;

const byId = template((db, args: { id: string }) =>
	db.selectFrom('creators').select('id').where('id', '=', args.id)
);

/** The id of the known creator that `spelling` names (by id, or by handle), or undefined. */
export async function find(db: Kysely<DB>, spelt: string): Promise<string | undefined> {
	const spelling = normalizeCreatorId(spelt);
	const name = bare(spelling);
	if (!isHandle(spelling)) {
		// The common case: the id as it is stored.
		const [exact] = (await byId.execute(db, { id: name })).rows;
		if (exact) return exact.id;
	}
	const folded = isFolded(name);
	const rows = await db
		.selectFrom('creators')
		.select(['id', 'handle'])
		.where((eb) =>
			folded
				? eb.or([eb(eb.fn('lower', ['handle']), '=', name), eb(eb.fn('lower', ['id']), '=', name)])
				: eb.or([eb('handle', '=', name), eb('id', '=', name)])
		)
		.orderBy('first_seen_at')
		.orderBy('id')
		.execute();
	// A handle wins over an id that happens to be spelt the same.
	const byHandle = rows.find(
		(r) => r.handle !== null && (folded ? r.handle.toLowerCase() : r.handle) === name
	);
	return (byHandle ?? rows[0])?.id;
}

/** The id that `spelling` stands for: a known creator's, or the spelling itself (without `@`). */
export async function canonical(db: Kysely<DB>, spelling: string): Promise<string> {
	return (await find(db, spelling)) ?? bare(normalizeCreatorId(spelling));
}

export class TooManyNewCreators extends Error {
	constructor() {
		super(
			`creatorId: this API key has recorded ${NEW_PER_KEY_PER_HOUR} new creators in the last hour, the most it may; use the id of a known creator or try again later.`
		);
	}
}

/**
 * The creator a purchase names, recorded (as first seen by `apiKeyId`) when unknown; refuses
 * past NEW_PER_KEY_PER_HOUR new creators per key. Runs inside the purchase's transaction.
 */
export async function record(
	trx: Kysely<DB>,
	database: Database,
	spelling: string,
	apiKeyId: string,
	now: number
): Promise<string> {
	const known = await find(trx, spelling);
	if (known) return known;
	const id = bare(normalizeCreatorId(spelling));
	// On PostgreSQL, purchases of different accounts run at once: the key's row serializes
	// its new creators, so the count below cannot be passed by racing requests. (NO KEY
	// UPDATE, so that it does not wait for the key's authorizations, which reference it.)
	if (database.dialect === 'postgres') {
		await trx
			.selectFrom('api_keys')
			.select('id')
			.where('id', '=', apiKeyId)
			.forNoKeyUpdate()
			.execute();
	}
	const recent = await trx
		.selectFrom('creators')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('created_by_api_key_id', '=', apiKeyId)
		.where('first_seen_at', '>', now - HOUR)
		.executeTakeFirstOrThrow();
	if (Number(recent.n) >= NEW_PER_KEY_PER_HOUR) throw new TooManyNewCreators();
	await trx
		.insertInto('creators')
		.values({
			id,
			handle: null,
			display_name: id,
			first_seen_at: now,
			created_by_api_key_id: apiKeyId
		})
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();
	return id;
}
