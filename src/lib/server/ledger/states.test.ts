import { describe, expect, it } from 'vitest';
import { APPROVAL_STATUSES } from '$lib/schemas/approvals';
import { AUTHORIZATION_STATUSES } from '$lib/schemas/purchase';
import * as states from './states';

// The lifecycle of the API contract (docs/architecture.md, "Approvals, as the purchase flow
// sees them"), spelt out cell by cell: every status × every operation.
const ALLOWED: Record<string, string> = {
	'held capture': 'captured',
	'held void': 'voided',
	'held expire': 'expired',
	'pending_approval approve': 'held',
	'pending_approval deny': 'declined',
	'pending_approval expire': 'declined',
	'pending_approval void': 'voided'
};

const REFUSED: Record<string, string> = {
	held: 'it is held, not waiting for a guardian',
	pending_approval: 'it is still waiting for a guardian',
	captured: 'it was already captured',
	voided: 'it was voided',
	expired: 'its hold expired; authorize the purchase again',
	declined: 'it was declined'
};

describe('authorization states', () => {
	for (const status of AUTHORIZATION_STATUSES) {
		for (const operation of states.OPERATIONS) {
			const to = ALLOWED[`${status} ${operation}`];
			it(`${status} × ${operation} → ${to ?? 'CONFLICT'}`, () => {
				const move = states.transition(status, operation);
				if (to) {
					expect(move?.to).toBe(to);
				} else {
					expect(move).toBeNull();
					expect(states.refusal(status, operation)).toBe(
						`Cannot ${operation} this authorization: ${REFUSED[status]}.`
					);
				}
			});
		}
	}

	it('keeps the hold on approve, releases it on deny, void and expiry, captures it on capture', () => {
		expect(states.transition('pending_approval', 'approve')).toMatchObject({
			totals: 'keep',
			decision: 'approved',
			freshHold: true,
			approval: 'approve'
		});
		for (const [op, reason] of [
			['deny', 'approval_denied'],
			['expire', 'approval_expired']
		] as const) {
			expect(states.transition('pending_approval', op)).toMatchObject({
				totals: 'release',
				decision: 'declined',
				reason
			});
		}
		expect(states.transition('pending_approval', 'void')).toMatchObject({
			totals: 'release',
			approval: 'withdraw'
		});
		expect(states.transition('held', 'capture')!.totals).toBe('capture');
		expect(states.transition('held', 'void')!.totals).toBe('release');
		expect(states.transition('held', 'expire')!.totals).toBe('release');
	});

	it('counts held and waiting authorizations as live, and only those', () => {
		expect(states.LIVE).toEqual(['held', 'pending_approval']);
		expect(AUTHORIZATION_STATUSES.filter(states.isLive)).toEqual(['held', 'pending_approval']);
	});

	it('answers a repeated capture or void with its first result, nothing else', () => {
		const repeats = AUTHORIZATION_STATUSES.flatMap((status) =>
			states.OPERATIONS.filter((op) => states.isRepeat(status, op)).map((op) => `${status} ${op}`)
		);
		expect(repeats).toEqual(['captured capture', 'voided void']);
	});

	it('is due at its expiry, only while it can still expire', () => {
		for (const status of AUTHORIZATION_STATUSES) {
			const live = status === 'held' || status === 'pending_approval';
			expect(states.isDue({ status, expires_at: 1000 }, 1000)).toBe(live);
			expect(states.isDue({ status, expires_at: 1000 }, 999)).toBe(false);
			expect(states.isDue({ status, expires_at: null }, 5000)).toBe(false);
		}
	});
});

const APPROVAL_ALLOWED: Record<string, string> = {
	'pending approve': 'approved',
	'pending deny': 'denied',
	'pending expire': 'expired',
	'pending withdraw': 'withdrawn'
};

describe('approval request states', () => {
	const decidedAt = Date.parse('2026-11-18T15:00:00Z');
	const why: Record<string, string> = {
		approved: 'Dana already approved it at 2026-11-18T15:00:00.000Z',
		denied: 'Dana already denied it at 2026-11-18T15:00:00.000Z',
		expired: 'it expired at 2026-11-18T15:00:00.000Z before anyone answered',
		withdrawn: 'the purchase was withdrawn at 2026-11-18T15:00:00.000Z'
	};
	for (const status of APPROVAL_STATUSES) {
		for (const operation of states.APPROVAL_OPERATIONS) {
			const to = APPROVAL_ALLOWED[`${status} ${operation}`];
			it(`${status} × ${operation} → ${to ?? 'CONFLICT'}`, () => {
				expect(states.approvalTransition(status, operation)).toBe(to ?? null);
				if (!to) {
					expect(states.approvalRefusal({ status, decidedBy: 'Dana', decidedAt }, operation)).toBe(
						`Cannot ${operation} this request: ${why[status]}.`
					);
				}
			});
		}
	}

	it('names "a guardian" when the decider is unknown', () => {
		expect(
			states.approvalRefusal({ status: 'denied', decidedBy: null, decidedAt: null }, 'approve')
		).toBe('Cannot approve this request: a guardian already denied it.');
	});
});
