import * as reasons from '$lib/reasons';
import type { AuthorizationView, AuthorizeInput, AuthorizeResponse } from '$lib/schemas/purchase';
import type { Reason, ReasonCode } from '$lib/schemas/reasons';
import { errorCode, type PurchaseApi } from './api';
import type { PaymentResult } from './payment';

// One purchase as a purchase flow runs it: ask Coinguard, pay only when approved, then turn
// the hold into a ledger entry (capture) or release it (void). Fails closed: when Coinguard
// cannot be asked, nothing is paid.

export interface ReasonView {
	/** The API's stable reason code (`daily_limit`, `insufficient_balance` …). */
	code: ReasonCode;
	message: string;
	/** ISO time at which the limit starts a new period. */
	resetsAt: string | null;
}

export type Settlement =
	| { status: 'completed'; authorizationId: string; warnings: ReasonView[] }
	| { status: 'declined'; reasons: ReasonView[] }
	| { status: 'pending_approval'; authorizationId: string; expiresAt: string | null }
	| { status: 'payment_failed'; holdReleased: boolean }
	| { status: 'failed'; message: string };

/** Charges the approved purchase; null for gifts, which are paid in coins already held. */
export type Pay = (() => Promise<PaymentResult>) | null;

/**
 * The pages show `resetsAt` in the account's own date format, so the sentence is made without
 * its "It resets on …" ending rather than saying it twice.
 */
export function reasonView(reason: Reason): ReasonView {
	// A reason recorded before reasons carried their data keeps the message it had.
	const message = reasons.hasFacts(reason)
		? reasons.sentence(reason, { reset: false })
		: reason.message;
	return { code: reason.code, message, resetsAt: reason.resetsAt ?? null };
}

async function ask(api: PurchaseApi, request: AuthorizeInput): Promise<AuthorizeResponse | string> {
	try {
		return await api.authorize(request);
	} catch (error) {
		if (errorCode(error) === 'CONFLICT') {
			return 'This form was already used for a different purchase. Reload the page and try again.';
		}
		console.error('shop: purchase.authorize failed', error);
		return 'Your limits could not be checked just now, so nothing was bought. Try again in a moment.';
	}
}

export async function run(
	api: PurchaseApi,
	request: AuthorizeInput,
	pay: Pay
): Promise<Settlement> {
	const answer = await ask(api, request);
	if (typeof answer === 'string') return { status: 'failed', message: answer };
	if (answer.decision === 'declined') {
		return { status: 'declined', reasons: answer.reasons.map(reasonView) };
	}
	if (answer.decision === 'pending_approval') {
		return {
			status: 'pending_approval',
			authorizationId: answer.authorizationId,
			expiresAt: answer.expiresAt
		};
	}
	return complete(api, answer.authorizationId, pay, answer.reasons.map(reasonView));
}

/**
 * A purchase that waited for a guardian, as it stands now: still waiting, declined (with the
 * reason), or approved, and then paid and captured as any approved purchase. Following it
 * again after that answers the same.
 */
export async function follow(api: PurchaseApi, id: string, pay: Pay): Promise<Settlement> {
	let status: AuthorizationView;
	try {
		status = await api.get(id);
	} catch (error) {
		console.error(`shop: purchase.get ${id} failed`, error);
		return {
			status: 'failed',
			message: 'The purchase could not be checked just now. Try again in a moment.'
		};
	}
	switch (status.status) {
		case 'pending_approval':
			return { status: 'pending_approval', authorizationId: id, expiresAt: status.expiresAt };
		case 'declined':
			return { status: 'declined', reasons: status.reasons.map(reasonView) };
		case 'held':
		case 'captured':
			return complete(api, id, status.status === 'held' ? pay : null, []);
		case 'voided':
		case 'expired':
			return {
				status: 'failed',
				message: 'This purchase was cancelled before it went through; nothing was charged.'
			};
	}
}

/** An approved purchase: pay (when there is something to pay), then capture or void. */
async function complete(
	api: PurchaseApi,
	id: string,
	pay: Pay,
	warnings: ReasonView[]
): Promise<Settlement> {
	const paid = pay ? await pay().catch((): PaymentResult => ({ ok: false, message: '' })) : null;
	if (paid && !paid.ok) {
		try {
			await api.void(id);
			return { status: 'payment_failed', holdReleased: true };
		} catch (error) {
			// The hold still lapses on its own when it expires.
			console.error(`shop: purchase.void ${id} failed`, error);
			return { status: 'payment_failed', holdReleased: false };
		}
	}
	return settle(api, id, pay !== null, warnings);
}

async function settle(
	api: PurchaseApi,
	id: string,
	charged: boolean,
	warnings: ReasonView[]
): Promise<Settlement> {
	let error: unknown;
	try {
		await api.capture(id);
		return { status: 'completed', authorizationId: id, warnings };
	} catch (caught) {
		error = caught;
	}
	// A resubmitted form replays the first answer; what happened to it then decides.
	const status = await api.get(id).then(
		(view) => view.status,
		() => null
	);
	if (status === 'captured') return { status: 'completed', authorizationId: id, warnings };
	console.error(`shop: purchase.capture ${id} failed (status ${status ?? 'unknown'})`, error);
	return {
		status: 'failed',
		message: charged
			? `The payment went through but the coins could not be credited. Keep this reference for support: ${id}.`
			: `The gift could not be sent and no coins were taken. Try again (reference ${id}).`
	};
}
