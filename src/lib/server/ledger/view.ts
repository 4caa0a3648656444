import type { Kysely } from 'kysely';
import type { AuthorizationView } from '$lib/schemas/purchase';
import type { Database } from '../db';
import type { Authorization, DB } from '../db/schema';
import type { ApiKeySummary } from '../auth/api-keys';
import { unknownAuthorization } from './errors';
import * as states from './states';
import { holdTtl } from './ttl';

export function findOwn(trx: Kysely<DB>, apiKey: ApiKeySummary, authorizationId: string) {
	// Each key sees only the authorizations it made.
	return trx
		.selectFrom('authorizations')
		.selectAll()
		.where('id', '=', authorizationId)
		.where('api_key_id', '=', apiKey.id)
		.executeTakeFirst();
}

/** As the table has it at `now`: a due one is shown expired before the sweep writes it. */
function current(auth: Authorization, now: number): Authorization {
	if (!states.isDue(auth, now)) return auth;
	const move = states.transition(auth.status, 'expire')!;
	return { ...auth, ...states.after(auth, move, now, holdTtl()) };
}

export function view(found: Authorization, now = Date.now()): AuthorizationView {
	const auth = current(found, now);
	return {
		authorizationId: auth.id,
		status: auth.status,
		decision: auth.decision,
		reasons: JSON.parse(auth.reasons),
		expiresAt:
			states.isLive(auth.status) && auth.expires_at !== null
				? new Date(auth.expires_at).toISOString()
				: null
	};
}

export async function get(
	database: Database,
	apiKey: ApiKeySummary,
	authorizationId: string,
	now = Date.now()
): Promise<AuthorizationView> {
	const auth = await findOwn(database.db, apiKey, authorizationId);
	if (!auth) throw unknownAuthorization();
	return view(auth, now);
}
