import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The project root (bench/lib/../..). */
export const root = fileURLToPath(new URL('../../', import.meta.url));
/** Scratch space: git-ignored, wiped piecemeal by each run. */
export const work = join(root, 'bench', '.work');
/** The private copy of the production build the benchmark runs (see build.ts). */
export const buildCopy = join(work, 'build');
export const profDir = join(work, 'prof');
