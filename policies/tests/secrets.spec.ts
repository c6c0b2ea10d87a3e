/**
 * Secrets rules: one passing input and one mutation per failing condition, with exact messages,
 * plus tables for the name and value classifiers. No message may repeat a secret value.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../offline";
import { PodSpec } from "../rules/pods";
import {
    configMapNoSecrets,
    configMapSecrets,
    envNoPlaintextSecrets,
    isSecretName,
    k8sSecretValuesMarkedSecret,
    secretValueKind,
} from "../rules/secrets";
import { configMap, deployment, k8sSecret } from "./compliantStack";
import { messagesOf, policyTable } from "./support";

const S = "spec.template.spec";
const RELAY = ' (container "relay")';
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
const HEX_KEY = `0x${"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"}`;

function pod(d: OfflineResource): PodSpec {
    return d.props.spec.template.spec as PodSpec;
}

describe("secrets policies", () => {
    const fix =
        "move it into a Kubernetes Secret whose value comes from Secrets Manager and reference it " +
        "with valueFrom.secretKeyRef: an env value is readable by anyone who can read the " +
        "Deployment.";
    policyTable(envNoPlaintextSecrets, deployment, (d) => d, [
        {
            name: "a secret-looking name with a value",
            mutate: (d) => void pod(d).containers![0].env!.push({ name: "apiToken", value: "tok_12345" }),
            messages: [
                `${S}.containers[0].env[3].value is a plain value (9 characters, redacted) under the secret-looking name "apiToken"${RELAY}; ${fix}`,
            ],
        },
        {
            name: "a URL with a password",
            mutate: (d) =>
                void (pod(d).containers![0].env![2].value =
                    "postgres://relay:s3cr3t@postgres.mainnet.example.org:5432/relay"),
            messages: [
                `${S}.containers[0].env[2].value is a URL with a password (postgres://<user>:<redacted>@..., 63 characters)${RELAY}; ${fix}`,
            ],
        },
        {
            name: "a PEM private key",
            mutate: (d) => void pod(d).containers![0].env!.push({ name: "TLS", value: PEM }),
            messages: [
                `${S}.containers[0].env[3].value is a PEM private key (${PEM.length} characters, redacted)${RELAY}; ${fix}`,
            ],
        },
        {
            name: "a 0x + 64 hex private key",
            mutate: (d) => void pod(d).containers![0].env!.push({ name: "OPERATOR", value: HEX_KEY }),
            messages: [
                `${S}.containers[0].env[3].value is a 0x-prefixed 64-hex-digit private key (redacted)${RELAY}; ${fix}`,
            ],
        },
        {
            name: "an init container's env",
            mutate: (d) =>
                void (pod(d).initContainers = [
                    { name: "migrate", image: "m:1", env: [{ name: "DB_PASSWORD", value: "hunter2" }] },
                ]),
            messages: [
                `${S}.initContainers[0].env[0].value is a plain value (7 characters, redacted) under the ` +
                    `secret-looking name "DB_PASSWORD" (init container "migrate"); ${fix}`,
            ],
        },
    ]);

    it("never repeats the secret in a message", async () => {
        const d = deployment();
        pod(d).containers![0].env = [
            { name: "DB_PASSWORD", value: "hunter2" },
            { name: "URL", value: "redis://:sup3rs3cret@redis:6379" },
            { name: "K", value: HEX_KEY },
        ];
        const messages = (await messagesOf(envNoPlaintextSecrets, d)).join("\n");
        for (const secret of ["hunter2", "sup3rs3cret", HEX_KEY.slice(2)])
            assert.ok(!messages.includes(secret), secret);
    });

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
            [HEX_KEY, "OPERATOR", "hex-private-key"],
            [HEX_KEY, "GENESIS_HASH", undefined],
            [HEX_KEY, "stateRoot", undefined],
            ["0x3b0f8e6d1e4a5c2b9f7a6d8c4e2b1a9f0c3d5e7b", "ADDRESS", undefined],
        ];
        for (const [value, name, kind] of table) assert.equal(secretValueKind(value, name), kind, `${name}=${value}`);
    });

    it("stays linear on large values (embedded files of a megabyte)", () => {
        const started = performance.now();
        const big = "a".repeat(1_000_000);
        const lines = `${"key" + "b".repeat(60) + ":" + " ".repeat(200) + "x\n"}`.repeat(4000);
        assert.equal(secretValueKind(big, "X"), undefined);
        assert.deepEqual(
            configMapSecrets({ data: { big, lines, url: `${"x".repeat(100_000)}postgres://u:p@h` } }).length,
            1,
        );
        assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    });

    const cmFix =
        "move it into a Kubernetes Secret whose value comes from Secrets Manager and mount or " +
        "reference the Secret instead: ConfigMaps are neither encrypted nor access-controlled like " +
        "Secrets.";
    policyTable(configMapNoSecrets, configMap, (c) => c, [
        {
            name: "a secret-looking key",
            mutate: (c) => void (c.props.data.DB_PASSWORD = "hunter2"),
            messages: [
                `data.DB_PASSWORD is a plain value (7 characters, redacted) under a secret-looking key; ${cmFix}`,
            ],
        },
        {
            name: "a URL with a password",
            mutate: (c) => void (c.props.data.REDIS = "redis://:pw@redis.mainnet.example.org:6379"),
            messages: [`data.REDIS is a URL with a password (redis://<user>:<redacted>@..., 42 characters); ${cmFix}`],
        },
        {
            name: "a config file assigning a secret-looking name",
            mutate: (c) =>
                void (c.props.data["app.env"] = "LOG_LEVEL=info\nexport API_KEY=abc123\nPASSWORD_FILE=/run/pw\n"),
            messages: [`data["app.env"] sets secret-looking names to plain values at line 2 ("API_KEY"); ${cmFix}`],
        },
        {
            name: "a private key in binaryData",
            mutate: (c) => void (c.props.binaryData = { "tls.bin": Buffer.from(PEM).toString("base64") }),
            messages: [
                `binaryData["tls.bin"] decodes to a PEM private key (${PEM.length} characters, redacted); ${cmFix}`,
            ],
        },
        {
            name: "a hex private key",
            mutate: (c) => void (c.props.data.OPERATOR = HEX_KEY),
            messages: [`data.OPERATOR is a 0x-prefixed 64-hex-digit private key (redacted); ${cmFix}`],
        },
    ]);

    const marked = (field: string, keys: string, list: string) =>
        `${field} (keys ${keys}) is not in additionalSecretOutputs (which is ${list}); create the ` +
        `Secret with @pulumi/kubernetes's Secret class (it marks data and stringData secret) or add ` +
        `"${field}" to the resource's additionalSecretOutputs, so the values are encrypted in the ` +
        `Pulumi state.`;
    policyTable(k8sSecretValuesMarkedSecret, k8sSecret, (s) => s, [
        {
            name: "stringData not marked",
            mutate: (s) => void (s.options.additionalSecretOutputs = []),
            messages: [marked("stringData", '"password"', "[]")],
        },
        {
            name: "data not marked (only stringData is)",
            mutate: (s) => {
                s.props.data = { "tls.key": "c2VjcmV0" };
                s.options.additionalSecretOutputs = ["stringData"];
            },
            messages: [marked("data", '"tls.key"', '["stringData"]')],
        },
        {
            // secretPaths alone does not count: the CLI's policy SDK cannot see input secretness either.
            name: "values that were Pulumi secrets but are not declared",
            mutate: (s) => {
                s.options.additionalSecretOutputs = undefined;
                s.secretPaths = ["stringData"];
            },
            messages: [marked("stringData", '"password"', "[]")],
        },
    ]);

    it("k8s-secret-values-marked-secret accepts a Secret without values", async () => {
        const s = k8sSecret();
        delete s.props.stringData;
        s.options.additionalSecretOutputs = [];
        assert.deepEqual(await messagesOf(k8sSecretValuesMarkedSecret, s), []);
    });
});
