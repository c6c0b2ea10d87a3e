/**
 * What looks like a credential: names (env vars, ConfigMap keys) and values (URLs with a password,
 * private keys), and `NAME=value` assignments inside embedded files. Pure heuristics; the
 * policies are in plaintext.ts.
 */

/** Name parts that make a variable or key look like it holds a credential. */
const SECRET_TOKENS = new Set([
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "KEY",
    "KEYS",
    "APIKEY",
    "PRIVATE",
    "PRIVKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "MNEMONIC",
    "SEED",
    "PASSPHRASE",
]);

/** Name parts that, as the last part, say the value is about a secret rather than the secret itself. */
const BENIGN_LAST_TOKENS = new Set([
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "ID",
    "ARN",
    "ALIAS",
    "REF",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRATION",
    "SECONDS",
    "MS",
    "LENGTH",
    "LEN",
    "SIZE",
    "HEADER",
    "PREFIX",
    "FIELD",
    "TYPE",
    "ALGORITHM",
    "ALG",
    "ENABLED",
    "COUNT",
    "LIMIT",
    "MAX",
    "MIN",
    "PORT",
    "HOST",
    "REGION",
    "VERSION",
    "ISSUER",
    "AUDIENCE",
    "ENDPOINT",
    "URL",
    "URI",
    "ADDRESS",
    "ADDR",
]);

/** Name parts of values that are hashes, not keys, even when they have the 0x + 64 hex shape. */
const HASH_TOKENS = new Set(["HASH", "ROOT", "GENESIS", "BLOCK", "TX", "TXHASH", "DIGEST", "CHECKSUM", "CODEHASH"]);

/** The upper-case parts of a name: `dbPassword_file` -> DB, PASSWORD, FILE. */
export function nameTokens(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .split(/[^A-Za-z0-9]+/)
        .filter((t) => t !== "")
        .map((t) => t.toUpperCase());
}

/**
 * Whether an env var or ConfigMap key name looks like it holds a credential: a part such as
 * PASSWORD, SECRET, TOKEN, KEY, PRIVATE, CREDENTIAL (or a compound ending in KEY/TOKEN or
 * containing PASSWORD/SECRET/CREDENTIAL), unless a part says PUBLIC or the last part says the
 * value is only about the secret (`*_FILE`, `*_PATH`, `*_ID`, `*_ARN`, `*_TTL`, ...).
 */
export function isSecretName(name: string): boolean {
    const tokens = nameTokens(name);
    if (tokens.length === 0 || name === "PWD" || name === "OLDPWD") return false;
    if (tokens.some((t) => t === "PUBLIC" || t === "PUB")) return false;
    if (tokens.length > 1 && BENIGN_LAST_TOKENS.has(tokens[tokens.length - 1])) return false;
    return tokens.some(
        (t) =>
            SECRET_TOKENS.has(t) ||
            /PASSWORD|SECRET|CREDENTIAL|PASSPHRASE|MNEMONIC/.test(t) ||
            /(KEY|KEYS|TOKEN)$/.test(t),
    );
}

/** What a secret-looking value looks like (for messages). */
export type SecretValueKind = "url-credentials" | "pem-private-key" | "hex-private-key";

/** `user:password@` right after a `://` (sticky, so one linear attempt per `://`). */
const URL_AUTHORITY = /([^\s:@/?#]*):([^\s@/?#]+)@/y;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const LETTER = /[A-Za-z]/;
// RFC 7468 says five dashes, but tools emit four or six: three dashes match the end of any longer
// run (and, unlike -{3,}, stay linear on long runs of dashes). OpenPGP armour ends in " BLOCK".
const PEM_PRIVATE_KEY = /-{3}BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-{3}/;
const HEX_PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
/** `$(VAR)` (expanded by the kubelet from another env var), `${VAR}` and `{{ var }}` are references, not secrets. */
const REFERENCE = /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}]+\}|\{\{[^}]*\}\})$/;

/**
 * The first `scheme://user:password@` of a value whose password is not only a reference.
 * Scans for `://` and tests the authority at each one, so its cost stays linear in the value's
 * length (a regex searching for the scheme first is quadratic on long runs of letters).
 */
function urlWithCredentials(value: string): string | undefined {
    for (let at = value.indexOf("://"); at > 0; at = value.indexOf("://", at + 3)) {
        let start = at;
        while (start > 0 && at - start < 32 && SCHEME_CHAR.test(value[start - 1])) start--;
        while (start < at && !LETTER.test(value[start])) start++;
        if (start === at) continue;
        URL_AUTHORITY.lastIndex = at + 3;
        const match = URL_AUTHORITY.exec(value);
        if (match && !REFERENCE.test(match[2])) return value.slice(start, URL_AUTHORITY.lastIndex);
    }
    return undefined;
}

/**
 * Whether a value itself looks like a credential: a URL with a user and password
 * (`scheme://user:pass@host`, unless the password is a `$(VAR)` reference), a PEM private key,
 * or a 0x-prefixed 64-hex-digit value (an Ethereum-style private key) — unless the name says it
 * is a hash (`*_HASH`, `GENESIS_*`, `*_ROOT`, ...).
 */
export function secretValueKind(value: string, name = ""): SecretValueKind | undefined {
    if (urlWithCredentials(value)) return "url-credentials";
    if (PEM_PRIVATE_KEY.test(value)) return "pem-private-key";
    if (HEX_PRIVATE_KEY.test(value.trim()) && !nameTokens(name).some((t) => HASH_TOKENS.has(t)))
        return "hex-private-key";
    return undefined;
}

/** How a message shows a secret-looking value without repeating it. */
export function describeSecretValue(value: string, kind: SecretValueKind | undefined): string {
    switch (kind) {
        case "url-credentials": {
            const credentials = urlWithCredentials(value) ?? "";
            const scheme = credentials.slice(0, credentials.indexOf("://"));
            return `a URL with a password (${scheme}://<user>:<redacted>@..., ${value.length} characters)`;
        }
        case "pem-private-key":
            return `a PEM private key (${value.length} characters, redacted)`;
        case "hex-private-key":
            return "a 0x-prefixed 64-hex-digit private key (redacted)";
        default:
            return `a plain value (${value.length} characters, redacted)`;
    }
}

/** Lines of a multi-line value that assign a secret-looking name (`KEY=value`, `key: value`). */
export function secretAssignments(text: string): { line: number; name: string }[] {
    const found: { line: number; name: string }[] = [];
    text.split("\n").forEach((line, index) => {
        const match = /^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]/.exec(line);
        if (!match) return;
        const value = line
            .slice(match[0].length)
            .trim()
            .replace(/^["']|["'];?$/g, "");
        if (
            value === "" ||
            REFERENCE.test(value) ||
            /^[|>]-?$/.test(value) ||
            value.startsWith("/") ||
            value === "null" ||
            value === "~"
        )
            return;
        if (isSecretName(match[1])) found.push({ line: index + 1, name: match[1] });
    });
    return found;
}
