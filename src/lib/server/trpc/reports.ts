import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import * as access from '../access';
import * as accounts from '../accounts';
import * as creatorReports from '../reports/creators';
import { dateProblem, MAX_YEARS, yearsBetween } from '../reports/period-keys';
import { readerProcedure, router } from './init';

const isoDate = z.string().superRefine((value, ctx) => {
	const problem = dateProblem(value);
	if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const creatorsInput = z
	.object({
		from: isoDate,
		to: isoDate,
		/** A minor's account, for one of their guardians; the caller's own when absent. */
		accountId: z.string().min(1).max(255).optional()
	})
	.superRefine((input, ctx) => {
		if (dateProblem(input.from) || dateProblem(input.to)) return;
		if (input.to <= input.from) {
			ctx.addIssue({
				code: 'custom',
				path: ['to'],
				message: 'must be after from (to is exclusive)'
			});
		} else if (yearsBetween(input.from, input.to) > MAX_YEARS) {
			ctx.addIssue({
				code: 'custom',
				path: ['to'],
				message: `must be at most ${MAX_YEARS} years after from`
			});
		}
	});

export const reportsRouter = router({
	/** Coins, gifts and FIFO real-money cost per creator between two local dates, largest first. */
	creators: readerProcedure.input(creatorsInput).query(async ({ ctx, input }) => {
		const { db } = ctx.database;
		let accountId = ctx.readerId;
		if (input.accountId !== undefined && input.accountId !== ctx.readerId) {
			const reader = await accounts.get(db, ctx.readerId);
			if (!reader) throw new TRPCError({ code: 'NOT_FOUND', message: 'Not found.' });
			const actor = await access.userActor(db, { id: reader.id, isMinor: reader.is_minor === 1 });
			try {
				await access.require(db, actor, 'minor.read', input.accountId);
			} catch (error) {
				if (error instanceof access.NotFoundError) {
					throw new TRPCError({ code: 'NOT_FOUND', message: 'accountId: no such account.' });
				}
				throw error;
			}
			accountId = input.accountId;
		}
		const figures = await creatorReports.between(db, accountId, input.from, input.to);
		return figures.map(({ creatorId, handle, name, coins, gifts, cost }) => ({
			creatorId,
			handle,
			name,
			coins,
			gifts,
			cost
		}));
	})
});
