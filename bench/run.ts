// The purchase-authorization benchmarks arrive with the authorization API.
console.log('no benchmarks yet');
