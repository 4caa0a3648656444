import { TRPCError } from '@trpc/server';
import { authorizationRef, authorizeInput } from '$lib/schemas/purchase';
import * as holds from '../ledger/holds';
import { operatorProcedure, router } from './init';

/** Expected refusals keep their code; anything else stays an internal error: never an approval. */
async function refusalsAsErrors<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof holds.PurchaseError) {
			throw new TRPCError({ code: error.code, message: error.message });
		}
		throw error;
	}
}

export const purchaseRouter = router({
	authorize: operatorProcedure
		.input(authorizeInput)
		.mutation(({ ctx, input }) =>
			refusalsAsErrors(() => holds.authorize(ctx.database, ctx.apiKey, input))
		),
	capture: operatorProcedure
		.input(authorizationRef)
		.mutation(({ ctx, input }) =>
			refusalsAsErrors(() => holds.capture(ctx.database, ctx.apiKey, input.authorizationId))
		),
	void: operatorProcedure
		.input(authorizationRef)
		.mutation(({ ctx, input }) =>
			refusalsAsErrors(() => holds.voidHold(ctx.database, ctx.apiKey, input.authorizationId))
		),
	get: operatorProcedure
		.input(authorizationRef)
		.query(({ ctx, input }) =>
			refusalsAsErrors(() => holds.get(ctx.database, ctx.apiKey, input.authorizationId))
		)
});
