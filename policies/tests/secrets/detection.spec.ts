/**
 * The credential heuristics (rules/secrets/detection.ts): tables for the name and value
 * classifiers, and linear cost on large values (through a ConfigMap scan).
 */
import * as assert from "node:assert/strict";
import { isSecretName, secretValueKind } from "../../rules/secrets/detection";
import { configMapSecrets } from "../../rules/secrets/plaintext";
import { HEX_KEY, PEM } from "./support";

describe("secrets policies", () => {
    it("isSecretName: secret-looking names, and names that only point at a secret", () => {
        const secret = [
            "DB_PASSWORD",
            "dbPassword",
            "API_KEY",
            "apiKey",
            "JWT_SECRET",
            "GITHUB_TOKEN",
            "PRIVATE_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "SECRET_KEY_BASE",
            "MNEMONIC",
            "db-pass",
            "CREDENTIALS",
            "secretbox_key",
            "KEY",
        ];
        const benign = [
            "LOG_LEVEL",
            "PASSWORD_FILE",
            "KMS_KEY_ID",
            "KMS_KEY_ARN",
            "JWT_PUBLIC_KEY",
            "TOKEN_TTL",
            "SECRET_NAME",
            "API_KEY_HEADER",
            "KEYSPACE",
            "PWD",
            "DATABASE_URL",
            "S3_KEY_PREFIX",
            "KEY_REGISTRY_ADDRESS",
        ];
        for (const n of secret) assert.equal(isSecretName(n), true, n);
        for (const n of benign) assert.equal(isSecretName(n), false, n);
    });

    it("secretValueKind: credentials in URLs, PEM private keys and hex private keys, not references or hashes", () => {
        const table: [string, string, ReturnType<typeof secretValueKind>][] = [
            ["postgres://u:p@h/db", "", "url-credentials"],
            ["redis://:p@h:6379", "", "url-credentials"],
            ["postgres://u:$(DB_PASSWORD)@h/db", "", undefined],
            ["https://user@h/x", "", undefined],
            ["https://h/x?a=b:c@d", "", undefined],
            [PEM, "", "pem-private-key"],
            ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "", undefined],
            ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "", undefined],
            ["-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----", "", undefined],
            [HEX_KEY, "OPERATOR", "hex-private-key"],
            [HEX_KEY, "GENESIS_HASH", undefined],
            [HEX_KEY, "stateRoot", undefined],
            ["0x3b0f8e6d1e4a5c2b9f7a6d8c4e2b1a9f0c3d5e7b", "ADDRESS", undefined],
        ];
        for (const [value, name, kind] of table) assert.equal(secretValueKind(value, name), kind, `${name}=${value}`);
    });

    it("secretValueKind: PEM private-key headers with any qualifier and three or more dashes (tools emit 4 or 6)", () => {
        const headers = [
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "-----BEGIN DSA PRIVATE KEY-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----",
            "----BEGIN RSA PRIVATE KEY----",
            "------BEGIN PRIVATE KEY------",
            "---BEGIN EC PRIVATE KEY---",
        ];
        for (const header of headers)
            assert.equal(secretValueKind(`${header}\nMIIEowIBAAKCAQEA\n`, "X"), "pem-private-key", header);
        const notKeys = [
            "--BEGIN PRIVATE KEY--",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----",
            "-----BEGIN CERTIFICATE REQUEST-----",
            "-----BEGIN PGP PUBLIC KEY BLOCK-----",
            "-----BEGIN private key-----",
        ];
        for (const header of notKeys) assert.equal(secretValueKind(`${header}\nAAAA\n`, "X"), undefined, header);
    });

    it("stays linear on large values (embedded files of a megabyte)", () => {
        const started = performance.now();
        const big = "a".repeat(1_000_000);
        assert.equal(secretValueKind("-".repeat(1_000_000), "X"), undefined);
        assert.equal(secretValueKind("-----BEGIN ".repeat(100_000), "X"), undefined);
        const lines = `${"key" + "b".repeat(60) + ":" + " ".repeat(200) + "x\n"}`.repeat(4000);
        assert.equal(secretValueKind(big, "X"), undefined);
        assert.deepEqual(
            configMapSecrets({ data: { big, lines, url: `${"x".repeat(100_000)}postgres://u:p@h` } }).length,
            1,
        );
        assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    });
});
