import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { createTestDatabase, type TestDatabase } from './databases';
import { chromiumPath } from './environment';
import { startServer, type RunningServer } from './server';

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
	if (!chromiumPath) throw new Error('no Chromium found');
	return chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}

export interface BrowserSuite {
	readonly db: Database['db'];
	/** The database's DATABASE_URL, for the operator CLI. */
	readonly url: string;
	readonly server: RunningServer;
	readonly browser: Browser;
}

/**
 * A browser suite's parts, made in beforeAll and ended in afterAll: a fresh SQLite database,
 * the production server on it and Chromium. Read them inside tests and hooks.
 */
export function browserSuite(env: Record<string, string> = {}): BrowserSuite {
	let database: TestDatabase | undefined;
	let db: Database['db'] | undefined;
	let server: RunningServer | undefined;
	let browser: Browser | undefined;
	beforeAll(async () => {
		database = await createTestDatabase('sqlite');
		db = (await database.open()).db;
		server = await startServer({ DATABASE_URL: database.url, ...env });
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});
	const ready = <T>(part: T | undefined): T => {
		if (part === undefined) throw new Error('the browser suite is made in beforeAll');
		return part;
	};
	return {
		get db() {
			return ready(db);
		},
		get url() {
			return ready(database).url;
		},
		get server() {
			return ready(server);
		},
		get browser() {
			return ready(browser);
		}
	};
}

/**
 * Logs in through the log-in page as a person would, and waits for the Overview. The page is
 * let settle first: typing while the app's scripts still hydrate the form can lose the input
 * on a loaded machine, and the test would then wait for an Overview that never comes.
 */
export async function logIn(page: Page, origin: string, email: string, password: string) {
	await page.goto(`${origin}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.getByRole('heading', { name: 'Overview' }).waitFor();
}
