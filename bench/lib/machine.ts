import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { root } from './paths';

export interface Machine {
	cpuModel: string;
	cores: number;
	memoryGiB: number;
	node: string;
	os: string;
	loadAverageAtStart: number[];
}

function osName(): string {
	try {
		if (existsSync('/etc/os-release')) {
			const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
			if (pretty) return `${pretty[1]} (${os.type()} ${os.release()}, ${os.arch()})`;
		}
	} catch {
		// fall through
	}
	return `${os.type()} ${os.release()} ${os.arch()}`;
}

export function describeMachine(): Machine {
	const cpus = os.cpus();
	return {
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		cores: os.availableParallelism?.() ?? cpus.length,
		memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		os: osName(),
		loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100)
	};
}

export interface Source {
	commit: string | null;
	/** Files under src/ that differ from the commit: others edit src/ while benchmarks run. */
	uncommittedSrcFiles: number | null;
}

/** The code measured, as far as git (read-only) can tell. */
export function describeSource(): Source {
	const git = (...args: string[]) => {
		const run = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
		return run.status === 0 ? run.stdout.trim() : null;
	};
	const status = git('status', '--porcelain', '--', 'src');
	return {
		commit: git('rev-parse', '--short', 'HEAD'),
		uncommittedSrcFiles: status === null ? null : status.split('\n').filter(Boolean).length
	};
}
