import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash';

describe('sha256Hex', () => {
	it('matches the published test vectors', () => {
		expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(sha256Hex('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('gives the digests stored before it (session, key and invite hashes stay valid)', () => {
		for (const text of ['cg_abc', 'ünïcødé ☃', 'x'.repeat(1000)]) {
			expect(sha256Hex(text)).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(text))));
		}
	});
});
