import { initTRPC, TRPCError } from '@trpc/server';
import type { RequestEvent } from '@sveltejs/kit';
import { ZodError } from 'zod';
import { MAX_BATCH_CALLS } from '$lib/schemas/common';
import { appDatabase } from '../app';
import * as apiKeys from '../auth/api-keys';
import type { SessionUser } from '../auth/sessions';
import type { ApiKeySummary } from '../auth/api-keys';
import type { Database } from '../db';
import { isSameOrigin } from '../guard';
import * as unavailable from '../db/unavailable';

export interface Context {
	database: Database;
	/** The user of the session cookie; read only when the request carries no API key. */
	user: SessionUser | null;
	/** Whether the request came from a page of this site (its `Origin`), as form actions require. */
	sameOrigin: boolean;
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
		sameOrigin: isSameOrigin(event.request, event.url),
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

const INTERNAL = 'Something went wrong on our side and nothing was done. Try again in a moment.';

function messageOf(error: TRPCError, shape: { message: string }): string {
	if (error.cause instanceof ZodError) return describeZodError(error.cause);
	if (error.cause instanceof SyntaxError)
		return `Malformed JSON in the request body: ${error.message}`;
	// An unexpected error's own message may be a database's: it stays in the server log.
	if (error.code === 'INTERNAL_SERVER_ERROR') return INTERNAL;
	if (error.message === 'Batch call exceeds maximum size') {
		return `A batch may hold at most ${MAX_BATCH_CALLS} calls; nothing in this one was run.`;
	}
	return shape.message;
}

const t = initTRPC.context<Context>().create({
	errorFormatter({ shape, error }) {
		const zod = error.cause instanceof ZodError ? error.cause : null;
		return {
			...shape,
			message: messageOf(error, shape),
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

/**
 * The path of the first string in `value` that holds a NUL character, which no field here
 * needs and PostgreSQL cannot store; undefined when there is none.
 */
export function nulPath(value: unknown, path: string[] = []): string[] | undefined {
	if (typeof value === 'string') return value.includes('\0') ? path : undefined;
	if (typeof value !== 'object' || value === null) return undefined;
	for (const [key, item] of Object.entries(value)) {
		const found = nulPath(item, [...path, key]);
		if (found) return found;
	}
	return undefined;
}

/**
 * Every procedure starts here: input with a NUL character is refused before anything runs, and
 * a procedure that failed for want of the database answers 503 with a plain sentence, logged in
 * one line. (One middleware for both: each layer costs every call, the purchase flow's too.)
 */
export const publicProcedure = t.procedure.use(async ({ getRawInput, next, path }) => {
	const nul = nulPath(await getRawInput());
	if (nul) {
		const field = nul.length ? nul.join('.') : 'input';
		throw new TRPCError({
			code: 'BAD_REQUEST',
			message: `${field}: must not contain a NUL character (\\u0000).`
		});
	}
	const result = await next();
	if (!result.ok && unavailable.isUnavailable(result.error.cause)) {
		const cause = result.error.cause;
		console.error(unavailable.logLine(cause, `tRPC ${path}`));
		throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailable.messageFor(cause) });
	}
	return result;
});

export const authedProcedure = publicProcedure.use(({ ctx, type, next }) => {
	if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
	// A cookie goes with every request the browser makes, whichever site asks for it.
	if (type === 'mutation' && !ctx.sameOrigin) {
		throw new TRPCError({
			code: 'FORBIDDEN',
			message: 'Cross-site calls are refused: send this from a page of this site.'
		});
	}
	return next({ ctx: { ...ctx, user: ctx.user } });
});

/** The request's live API key, or UNAUTHORIZED saying what is missing. */
async function requireApiKey(ctx: Context): Promise<ApiKeySummary> {
	const apiKey = await ctx.apiKey();
	if (apiKey === null && !ctx.hasBearer) {
		throw new TRPCError({
			code: 'UNAUTHORIZED',
			message: 'Send an API key as "Authorization: Bearer <key>".'
		});
	}
	if (!apiKey)
		throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The API key is unknown or revoked.' });
	return apiKey;
}

/** Purchases: only an operator key (the purchase flow's) may run them; personal keys only read. */
export const operatorProcedure = publicProcedure.use(async ({ ctx, next }) => {
	const apiKey = await requireApiKey(ctx);
	if (!apiKeys.isOperator(apiKey)) {
		throw new TRPCError({
			code: 'FORBIDDEN',
			message:
				"Personal API keys are read-only: they can read your own reports and nothing else. Only the purchase flow's operator key may run purchases."
		});
	}
	return next({ ctx: { ...ctx, apiKey } });
});

/**
 * Reports: a session cookie, or a personal key (read-only, its owner's reports). The reader is
 * the account whose data it is; an operator key is the purchase flow's and reads nothing.
 */
export const readerProcedure = publicProcedure.use(async ({ ctx, next }) => {
	if (ctx.hasBearer) {
		const apiKey = await ctx.apiKey();
		if (!apiKey) {
			throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The API key is unknown or revoked.' });
		}
		if (apiKeys.isOperator(apiKey)) {
			throw new TRPCError({
				code: 'FORBIDDEN',
				message:
					"Operator keys run purchases only; read reports with a session or the account's personal API key."
			});
		}
		return next({ ctx: { ...ctx, readerId: apiKey.account_id! } });
	}
	if (!ctx.user) {
		throw new TRPCError({
			code: 'UNAUTHORIZED',
			message: 'Log in, or send a personal API key as "Authorization: Bearer <key>".'
		});
	}
	return next({ ctx: { ...ctx, readerId: ctx.user.id } });
});
