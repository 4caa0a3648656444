import { TRPCError } from '@trpc/server';
import * as access from '../access';
import * as family from '../family';
import { authedProcedure, router } from './init';

export const familyRouter = router({
	/** The caller's family and its members as they may see them; `family: null` when in none. */
	get: authedProcedure.query(async ({ ctx }) => {
		const { db } = ctx.database;
		try {
			return await family.view(db, await access.userActor(db, ctx.user));
		} catch (error) {
			if (error instanceof access.NotFoundError) {
				throw new TRPCError({ code: 'NOT_FOUND', message: error.message });
			}
			throw error;
		}
	})
});
