import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { createTestDatabase, type TestDatabase } from './databases';
import { chromiumPath } from './environment';
import { startServer, type RunningServer } from './server';

/** The last things each browser context saw: console errors, failed and refused requests. */
const trails = new WeakMap<BrowserContext, string[]>();

function keepTrail(context: BrowserContext) {
	const trail: string[] = [];
	trails.set(context, trail);
	const note = (line: string) => {
		trail.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
		if (trail.length > 30) trail.shift();
	};
	context.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning') note(`console.${m.type()}: ${m.text()}`);
	});
	context.on('weberror', (e) => note(`page error: ${e.error().message}`));
	context.on('requestfailed', (r) =>
		note(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`)
	);
	context.on('response', (r) => {
		if (r.status() >= 400) note(`${r.status()}: ${r.request().method()} ${r.url()}`);
	});
	context.on('request', (r) => {
		if (r.isNavigationRequest() || r.method() === 'POST') note(`→ ${r.method()} ${r.url()}`);
	});
}

/**
 * Waits for a page's heading. When it does not come, the error says where the page is, what it
 * shows and what the browser saw on the way (a slow machine and a broken page look alike
 * otherwise: both are a timeout).
 */
export async function arrivedAt(
	page: Page,
	heading: string,
	server?: { output(): string }
): Promise<void> {
	try {
		await page.getByRole('heading', { name: heading }).waitFor();
	} catch (error) {
		const text = await page
			.locator('body')
			.innerText({ timeout: 2_000 })
			.catch(() => '(unreadable)');
		const trail = trails.get(page.context()) ?? [];
		const shot = join(tmpdir(), `arrived-at-${Date.now()}.png`);
		await page.screenshot({ path: shot }).catch(() => {});
		const fields = await page
			.locator('input:not([type=hidden])')
			.evaluateAll((inputs) =>
				inputs.map(
					(i) =>
						`${(i as HTMLInputElement).name}=${JSON.stringify((i as HTMLInputElement).value.slice(0, 40))}`
				)
			)
			.catch(() => []);
		trail.push(`screenshot: ${shot}; fields: ${fields.join(', ')}`);
		throw new Error(
			[
				`No heading "${heading}" at ${page.url()}: ${(error as Error).message.split('\n')[0]}`,
				`The page shows: ${text.replace(/\s+/g, ' ').slice(0, 600)}`,
				'The browser saw:',
				...trail,
				...(server
					? ['The server said (last lines):', ...server.output().trim().split('\n').slice(-15)]
					: [])
			].join('\n'),
			{ cause: error }
		);
	}
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
	if (!chromiumPath) throw new Error('no Chromium found');
	const browser = await chromium.launch({
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
	const newContext = browser.newContext.bind(browser);
	browser.newContext = async (...args) => {
		const context = await newContext(...args);
		keepTrail(context);
		return context;
	};
	return browser;
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
export async function logIn(
	page: Page,
	origin: string,
	email: string,
	password: string,
	server?: { output(): string }
) {
	await page.goto(`${origin}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await arrivedAt(page, 'Overview', server);
}
