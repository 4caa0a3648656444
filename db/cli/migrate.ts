import { runCommand } from './run';

await runCommand(
	() => null,
	async () => ({ migrated: true })
);
