import type { Kysely } from 'kysely';
import { approvalWaitHours } from '../../schemas/family';
import { firstError } from '../../schemas/account';
import * as access from '../access';
import type { DB } from '../db/schema';
import * as audit from './audit';
import { FamilyError } from './errors';
import { inTransaction } from './store';

/**
 * A guardian sets how long the family's new approval requests wait (whole hours), or clears it
 * to use APPROVAL_TTL_SECONDS. Requests made before keep the expiry they were given.
 */
export async function setApprovalWait(
	db: Kysely<DB>,
	guardian: access.Actor,
	hours: unknown,
	now = Date.now()
): Promise<{ seconds: number | null }> {
	const familyId = guardian.family?.id ?? '';
	await access.require(db, guardian, 'family.manage', familyId);
	const parsed = approvalWaitHours.safeParse(hours);
	if (!parsed.success) {
		throw new FamilyError('BAD_REQUEST', firstError(parsed.error).message, 'approvalWaitHours');
	}
	const seconds = parsed.data === null ? null : parsed.data * 3600;
	return inTransaction(db, async (trx) => {
		const before = await trx
			.selectFrom('families')
			.select('approval_ttl_seconds')
			.where('id', '=', familyId)
			.executeTakeFirstOrThrow();
		await trx
			.updateTable('families')
			.set({ approval_ttl_seconds: seconds })
			.where('id', '=', familyId)
			.execute();
		await audit.record(trx, {
			familyId,
			actorId: guardian.accountId,
			action: 'family.approval_wait_changed',
			subjectId: familyId,
			before: { approvalTtlSeconds: before.approval_ttl_seconds },
			after: { approvalTtlSeconds: seconds },
			at: now
		});
		return { seconds };
	});
}
