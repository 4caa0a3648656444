import { z } from 'zod';

/** An approval request's lifecycle; the allowed moves between them are `ledger/states.ts`. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired', 'withdrawn'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A guardian's answer to a request. */
export const APPROVAL_ANSWERS = ['approve', 'deny'] as const;
export type ApprovalAnswer = (typeof APPROVAL_ANSWERS)[number];

export const NOTE_MAX = 500;

/** A guardian's answer, as `approvals.decide` and the Approvals page's form take it. */
export const decideInput = z.object({
	approvalId: z
		.string({ error: 'approvalId is required.' })
		.min(1, { error: 'approvalId is required.' })
		.max(64, { error: 'approvalId is at most 64 characters.' }),
	decision: z.enum(APPROVAL_ANSWERS, { error: 'decision must be "approve" or "deny".' }),
	note: z
		.string({ error: 'note must be text.' })
		.max(NOTE_MAX, { error: `Keep the note to ${NOTE_MAX} characters.` })
		.optional()
});
export type DecideInput = z.input<typeof decideInput>;
