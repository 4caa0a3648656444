import type { IncomingMessage } from 'node:http';
import type { SessionUser, SessionInfo } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
		}
		/** adapter-node's: the raw request, for draining a refused body (body-limit.ts). */
		interface Platform {
			req?: IncomingMessage;
		}
		interface Error {
			message: string;
			errorId?: string;
			/** The database could not be reached: the answer is a 503, whatever the page's status. */
			unavailable?: boolean;
		}
	}
}

export {};
