import type { Cookies } from '@sveltejs/kit';
import { COOKIE_NAME } from './sessions';

interface CookieEvent {
	cookies: Cookies;
	url: URL;
}

export function setSessionCookie(event: CookieEvent, token: string, expiresAt: number): void {
	event.cookies.set(COOKIE_NAME, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		expires: new Date(expiresAt)
	});
}

export function clearSessionCookie(event: CookieEvent): void {
	event.cookies.delete(COOKIE_NAME, { path: '/', secure: event.url.protocol === 'https:' });
}
