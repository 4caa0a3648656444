import { createHash } from 'node:crypto';

/**
 * The SHA-256 of `text` (UTF-8) in lower-case hex. Node's native hash: it runs on every API call
 * (the key, the request's fingerprint) and every page (the session), where a hash in JavaScript
 * cost a few per cent of an authorization.
 */
export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}
