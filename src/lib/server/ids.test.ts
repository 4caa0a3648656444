import { describe, expect, it } from 'vitest';
import { newId, randomToken } from './ids';

describe('random ids', () => {
	it('stay unique and full length across many refills of the random pool', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 5_000; i++) seen.add(newId('auth'));
		expect(seen.size).toBe(5_000);
		for (const id of seen) expect(id).toMatch(/^auth_[a-z2-7]{26}$/);
	});

	it('use every bit: no byte position is stuck across tokens', () => {
		// 16 bytes → 26 base32 characters; each position should take many values.
		const tokens = Array.from({ length: 2_000 }, () => randomToken(16));
		for (let position = 0; position < 25; position++) {
			const values = new Set(tokens.map((t) => t[position]));
			expect(values.size, `position ${position}`).toBeGreaterThan(20);
		}
	});

	it('serves a token larger than the pool', () => {
		expect(randomToken(10_000)).toHaveLength(Math.ceil((10_000 * 8) / 5));
	});
});
