import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export function hash(password: string): Promise<string> {
	return argonHash(password, options);
}

export async function verify(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await argonVerify(passwordHash, password);
	} catch {
		return false;
	}
}

// Verified against when the e-mail is unknown, so that answer takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstNothing(password: string): Promise<false> {
	dummyHash ??= hash('coinguard-timing-equaliser');
	await verify(await dummyHash, password);
	return false;
}
