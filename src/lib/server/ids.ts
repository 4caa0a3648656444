import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

export function randomToken(bytes: number): string {
	const buffer = new Uint8Array(bytes);
	crypto.getRandomValues(buffer);
	return encodeBase32LowerCaseNoPadding(buffer);
}

/** A new opaque id such as `acct_…`: 128 random bits, so ids can't be guessed or enumerated. */
export function newId(prefix: string): string {
	return `${prefix}_${randomToken(16)}`;
}
