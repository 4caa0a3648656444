import { TRPCError } from '@trpc/server';
import { decideInput } from '$lib/schemas/approvals';
import * as access from '../access';
import * as approvals from '../approvals';
import { PurchaseError } from '../ledger/errors';
import { authedProcedure, router } from './init';

// The guardian procedures of the API contract: the caller's minors' pending requests with
// their context, and an answer to one. A minor's `list` answers their own requests.

export const approvalsRouter = router({
	list: authedProcedure.query(async ({ ctx }) => {
		const { db } = ctx.database;
		return approvals.pending(db, await access.userActor(db, ctx.user));
	}),
	decide: authedProcedure.input(decideInput).mutation(async ({ ctx, input }) => {
		const actor = await access.userActor(ctx.database.db, ctx.user);
		try {
			return await approvals.decide(ctx.database, actor, input);
		} catch (error) {
			if (error instanceof PurchaseError) {
				throw new TRPCError({ code: error.code, message: error.message });
			}
			throw error;
		}
	})
});
