import { describe, expect, it } from 'vitest';
import { localPath } from './forms';

describe('localPath', () => {
	it.each([
		['/settings', '/settings'],
		['/transactions?before=1_x', '/transactions?before=1_x'],
		['https://evil.example', '/'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['', '/'],
		[null, '/']
	])('sends %s to %s', (input, expected) => {
		expect(localPath(input)).toBe(expected);
	});
});
