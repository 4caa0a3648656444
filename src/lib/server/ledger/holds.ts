// The purchase flow's view of the ledger: authorize, capture, void, get, and the sweep that
// expires what nobody settled. Each piece lives in its own module; the allowed moves between
// statuses are one table, `./states`.

export { authorize } from './authorize';
export { PurchaseError } from './errors';
export { sweep } from './expiry';
export { fingerprintOf } from './idempotency';
export { capture, voidHold } from './settle';
export { holdTtl } from './ttl';
export { get, view } from './view';
