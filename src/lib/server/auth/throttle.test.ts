import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, keysFor, lockFor } from './throttle';

describe('log-in throttle', () => {
	it('lets four failures pass, then locks for 1, 2, 4 … minutes, at most a day', () => {
		expect(FREE_FAILURES).toBe(5);
		expect([1, 2, 3, 4].map(lockFor)).toEqual([0, 0, 0, 0]);
		expect([5, 6, 7].map((n) => lockFor(n) / 60_000)).toEqual([1, 2, 4]);
		expect(lockFor(40)).toBe(24 * 60 * 60_000);
	});

	it('keys by lower-cased e-mail and by address', () => {
		expect(keysFor('Ada@Example.com', '10.0.0.1')).toEqual([
			'email:ada@example.com',
			'ip:10.0.0.1'
		]);
		expect(keysFor('a@b.c', null)).toEqual(['email:a@b.c']);
	});
});
