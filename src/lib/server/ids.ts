import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

// Random bytes are drawn from the system's generator a page at a time (as Node's randomUUID
// does): one call per id cost more than the rest of making it. Bytes handed out are zeroed
// in the pool, so it never holds a token already issued.
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

function randomBytes(count: number): Uint8Array {
	if (count > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(count));
	if (used + count > POOL_BYTES) {
		crypto.getRandomValues(pool);
		used = 0;
	}
	const bytes = pool.slice(used, used + count);
	pool.fill(0, used, used + count);
	used += count;
	return bytes;
}

export function randomToken(bytes: number): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(bytes));
}

/** A new opaque id such as `acct_…`: 128 random bits, so ids can't be guessed or enumerated. */
export function newId(prefix: string): string {
	return `${prefix}_${randomToken(16)}`;
}
