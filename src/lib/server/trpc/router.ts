import { approvalsRouter } from './approvals';
import { budgetsRouter } from './budgets';
import { familyRouter } from './family';
import { publicProcedure, router } from './init';
import { purchaseRouter } from './purchase';

export const appRouter = router({
	health: router({
		ping: publicProcedure.query(() => ({ ok: true as const }))
	}),
	purchase: purchaseRouter,
	budgets: budgetsRouter,
	family: familyRouter,
	approvals: approvalsRouter
});

export type AppRouter = typeof appRouter;
