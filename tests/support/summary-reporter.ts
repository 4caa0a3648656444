import type { Reporter, TestModule } from 'vitest/node';

// Prints, after Vitest's own summary, how each database dialect fared (suites name their
// dialect in brackets: "sessions [postgres]") and one plain closing line for CI.
export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		const totals = { passed: 0, failed: 0, skipped: 0 };
		const byDialect = new Map<string, { passed: number; failed: number }>();
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				const state = test.result().state;
				const outcome = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
				totals[outcome]++;
				const dialect = /\[(sqlite|postgres)\]/.exec(test.fullName)?.[1];
				if (dialect && outcome !== 'skipped') {
					const counts = byDialect.get(dialect) ?? { passed: 0, failed: 0 };
					counts[outcome]++;
					byDialect.set(dialect, counts);
				}
			}
			// A suite whose hooks failed leaves its tests "skipped": count the failure itself.
			totals.failed += module.errors().length;
			for (const suite of module.children.allSuites()) totals.failed += suite.errors().length;
		}
		console.log('');
		for (const [dialect, counts] of byDialect) {
			console.log(`database tests on ${dialect}: ${counts.passed} passed, ${counts.failed} failed`);
		}
		console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
	}
}
