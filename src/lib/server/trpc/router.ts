import { budgetsRouter } from './budgets';
import { publicProcedure, router } from './init';
import { purchaseRouter } from './purchase';

export const appRouter = router({
	health: router({
		ping: publicProcedure.query(() => ({ ok: true as const }))
	}),
	purchase: purchaseRouter,
	budgets: budgetsRouter
});

export type AppRouter = typeof appRouter;
