import { initTRPC, TRPCError } from '@trpc/server';
import type { RequestEvent } from '@sveltejs/kit';
import { ZodError } from 'zod';
import { appDatabase } from '../app';
import * as apiKeys from '../auth/api-keys';
import type { SessionUser } from '../auth/sessions';
import type { Database } from '../db';

export interface Context {
	database: Database;
	user: SessionUser | null;
	authorization: string | null;
}

export function createContext(event: RequestEvent): Context {
	return {
		database: appDatabase(),
		user: event.locals.user,
		authorization: event.request.headers.get('authorization')
	};
}

/** "coins: Too big: expected number to be <=10000000" — the field first, so callers see what to fix. */
function describeZodError(error: ZodError): string {
	return error.issues
		.map((issue) =>
			issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message
		)
		.join('; ');
}

const t = initTRPC.context<Context>().create({
	errorFormatter({ shape, error }) {
		const zod = error.cause instanceof ZodError ? error.cause : null;
		const malformed = error.cause instanceof SyntaxError;
		return {
			...shape,
			message: zod
				? describeZodError(zod)
				: malformed
					? `Malformed JSON in the request body: ${error.message}`
					: shape.message,
			data: {
				...shape.data,
				// Internal errors keep their details in the server log, not in the answer.
				stack: undefined,
				fields: zod
					? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
					: undefined
			}
		};
	}
});

export const router = t.router;
export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
	if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
	return next({ ctx: { ...ctx, user: ctx.user } });
});

export const apiKeyProcedure = t.procedure.use(async ({ ctx, next }) => {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.authorization ?? '');
	if (!match) {
		throw new TRPCError({
			code: 'UNAUTHORIZED',
			message: 'Send an API key as "Authorization: Bearer <key>".'
		});
	}
	const apiKey = await apiKeys.authenticate(ctx.database.db, match[1]!);
	if (!apiKey)
		throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The API key is unknown or revoked.' });
	return next({ ctx: { ...ctx, apiKey } });
});
