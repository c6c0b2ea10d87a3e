/**
 * Credential-looking values the secrets specs plant (test keys, never real ones).
 */

/** A PEM private key block. */
export const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";

/** A 0x-prefixed 64-hex-digit value, shaped like an Ethereum private key. */
export const HEX_KEY = `0x${"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"}`;
