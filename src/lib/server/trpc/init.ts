import { initTRPC, TRPCError } from '@trpc/server';
import type { RequestEvent } from '@sveltejs/kit';
import { ZodError } from 'zod';
import { appDatabase } from '../app';
import * as apiKeys from '../auth/api-keys';
import type { SessionUser } from '../auth/sessions';
import type { ApiKeySummary } from '../auth/api-keys';
import type { Database } from '../db';

export interface Context {
	database: Database;
	user: SessionUser | null;
	/** Whether the request carries `Authorization: Bearer …` at all. */
	hasBearer: boolean;
	/** The request's API key, looked up once however many batched calls ask for it. */
	apiKey(): Promise<ApiKeySummary | null>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createContext(event: RequestEvent): Context {
	const database = appDatabase();
	const match = BEARER.exec(event.request.headers.get('authorization') ?? '');
	let lookup: Promise<ApiKeySummary | null> | undefined;
	return {
		database,
		user: event.locals.user,
		hasBearer: match !== null,
		apiKey: () => {
			if (!match) return Promise.resolve(null);
			lookup ??= apiKeys.authenticate(database.db, match[1]!);
			return lookup;
		}
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
	const apiKey = await ctx.apiKey();
	if (apiKey === null && !ctx.hasBearer) {
		throw new TRPCError({
			code: 'UNAUTHORIZED',
			message: 'Send an API key as "Authorization: Bearer <key>".'
		});
	}
	if (!apiKey)
		throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The API key is unknown or revoked.' });
	return next({ ctx: { ...ctx, apiKey } });
});
