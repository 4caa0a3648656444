import type { Kysely } from 'kysely';
import { CALENDAR_PERIODS } from '$lib/schemas/limits';
import type { AuthorizeRequest, AuthorizeResponse } from '$lib/schemas/purchase';
import type { StandingRule } from '$lib/schemas/rules';
import type { Database } from '../db';
import type { Authorization, DB } from '../db/schema';
import { template } from '../db/template';
import { writeTransaction } from '../db/transaction';
import { newId } from '../ids';
import type { ApiKeySummary } from '../auth/api-keys';
import * as creators from '../creators';
import { decide, periodKey, previousWindow, scopeOf, windowsAt } from '../policy/decide';
import * as accountRules from '../policy/account-rules';
import * as limits from '../policy/limits';
import * as notify from '../notify';
import { PurchaseError, unknownAccount } from './errors';
import * as expiry from './expiry';
import * as idempotency from './idempotency';
import * as lock from './lock';
import * as states from './states';
import * as totals from './totals';
import { approvalTtl, holdTtl } from './ttl';

/**
 * Decides a purchase and records it (with its hold on every limit) in one transaction.
 * The same key with the same input answers the first response again, however many arrive at once.
 */
export async function authorize(
	database: Database,
	apiKey: ApiKeySummary,
	input: AuthorizeRequest,
	now = Date.now()
): Promise<AuthorizeResponse> {
	const fingerprint = idempotency.fingerprintOf(input);

	return writeTransaction(database, async (trx) => {
		const account = await lock.account(trx, database, input.accountId, now);
		if (!account) throw unknownAccount();
		// Looked up under the lock, so a concurrent request with this key has either committed
		// (and is replayed) or not started: never both deciding.
		const raced = await idempotency.find(trx, apiKey.id, input.idempotencyKey);
		if (raced) return idempotency.replay(raced, fingerprint);

		const expired = account.hasDue ? await expiry.dueForAccount(trx, account.id, now) : 0;
		// Before deciding, so that a per-creator limit sees the creator however it was spelt.
		const creatorId = input.creatorId
			? await recordCreator(trx, database, apiKey, input.creatorId, now)
			: null;
		const request = {
			kind: input.kind,
			coins: input.coins,
			price: input.price ?? null,
			creatorId,
			channel: input.channel
		};
		const rules = await limits.active(trx, account.id, input.kind, now);
		const windows = windowsAt(account.time_zone, now);
		const periodKeys = CALENDAR_PERIODS.map((p) => periodKey(p, windows[p]));
		// A limit with a rollover also reads what its previous period left unspent.
		for (const rule of rules) {
			if (!rule.rollover || rule.period === 'purchase') continue;
			const previous = previousWindow(rule.period, account.time_zone, windows[rule.period]);
			periodKeys.push(periodKey(rule.period, previous));
		}
		const running = await totals.load(trx, account.id, input.kind, periodKeys, [
			...new Set(rules.map(scopeOf))
		]);
		// Read under the account's lock, so concurrent gifts never spend the same coins twice;
		// read again when expired holds have just given coins back.
		const wallet =
			expired > 0
				? await lock.wallet(trx, account.id)
				: { balance: account.coin_balance, onHold: account.gift_coins_on_hold };
		const context = {
			now,
			timeZone: account.time_zone,
			wallet,
			rules: account.rules,
			minor: account.minor,
			standing: [] as StandingRule[]
		};
		let outcome = decide(request, rules, running, context);
		// A standing approval only spares a request, and only guardians give them, to minors:
		// read them when this purchase would otherwise wait for an answer, and decide again.
		if (outcome.decision === 'pending_approval' && account.minor) {
			const standing = await accountRules.standingFor(trx, account.id, input.kind, windows);
			if (standing.length > 0) outcome = decide(request, rules, running, { ...context, standing });
		}

		const id = newId('auth');
		const status = states.INITIAL[outcome.decision];
		const approvalId = status === 'pending_approval' ? newId('appr') : undefined;
		const expiresAt =
			status === 'held'
				? now + holdTtl()
				: status === 'pending_approval'
					? now + approvalTtl(account.approval_ttl_seconds)
					: null;
		const reasons = outcome.hits.map((h) => h.reason);
		const response: AuthorizeResponse = {
			authorizationId: id,
			decision: outcome.decision,
			reasons,
			expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
			...(approvalId ? { approvalId } : {})
		};
		const row: Authorization = {
			id,
			account_id: account.id,
			api_key_id: apiKey.id,
			idempotency_key: input.idempotencyKey,
			fingerprint,
			kind: input.kind,
			coins: input.coins,
			price_amount: input.price?.amount ?? null,
			currency: input.price?.currency ?? null,
			creator_id: creatorId,
			package_id: input.packageId ?? null,
			channel: input.channel,
			payment_method: input.paymentMethod ?? null,
			status,
			decision: outcome.decision,
			reasons: JSON.stringify(reasons),
			response: JSON.stringify(response),
			day_key: periodKeys[0]!,
			week_key: periodKeys[1]!,
			month_key: periodKeys[2]!,
			created_at: now,
			expires_at: expiresAt,
			settled_at: states.isLive(status) ? null : now,
			standing_approval_id: outcome.standingApprovalId
		};
		await insertAuthorization.execute(trx, row);
		if (approvalId) {
			await trx
				.insertInto('approval_requests')
				.values({
					id: approvalId,
					authorization_id: id,
					account_id: account.id,
					status: 'pending',
					created_at: now,
					expires_at: expiresAt!,
					decided_by: null,
					decided_at: null,
					note: null
				})
				.execute();
		}
		if (states.isLive(status)) await totals.move(trx, account.id, row, { held: 1, captured: 0 });
		await notify.afterAuthorize(trx, { account, row, approvalId, request, rules, running, now });
		return response;
	});
}

const insertAuthorization = template((trx, row: Authorization) =>
	trx.insertInto('authorizations').values(row)
);

async function recordCreator(
	trx: Kysely<DB>,
	database: Database,
	apiKey: ApiKeySummary,
	spelling: string,
	now: number
): Promise<string> {
	try {
		return await creators.record(trx, database, spelling, apiKey.id, now);
	} catch (error) {
		if (error instanceof creators.TooManyNewCreators) {
			throw new PurchaseError('TOO_MANY_REQUESTS', error.message);
		}
		throw error;
	}
}
