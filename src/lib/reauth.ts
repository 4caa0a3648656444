// Re-authentication's words and window, shared by the server helper (server/auth/reauth.ts) and
// the password field (components/ReauthPassword.svelte).

export const REAUTH_MINUTES = 10;

export const ASK_FOR_PASSWORD = `This change needs your password again, as you have not typed it in the last ${REAUTH_MINUTES} minutes.`;
