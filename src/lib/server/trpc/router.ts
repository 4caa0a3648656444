import { approvalsRouter } from './approvals';
import { budgetsRouter } from './budgets';
import { familyRouter } from './family';
import { publicProcedure, router } from './init';
import { purchaseRouter } from './purchase';
import { reportsRouter } from './reports';

export const appRouter = router({
	health: router({
		ping: publicProcedure.query(() => ({ ok: true as const }))
	}),
	purchase: purchaseRouter,
	budgets: budgetsRouter,
	family: familyRouter,
	approvals: approvalsRouter,
	reports: reportsRouter
});

export type AppRouter = typeof appRouter;
