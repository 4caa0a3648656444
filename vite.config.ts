import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000 },
	test: {
		include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
		globalSetup: ['tests/support/global-setup.ts'],
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 120_000,
		reporters: ['default', './tests/support/summary-reporter.ts']
	}
});
