/**
 * env-no-plaintext-secrets and configmap-no-secrets (rules/secrets/plaintext.ts): one passing input
 * and one mutation per failing condition, with exact messages. No message may repeat a secret value.
 */
import * as assert from "node:assert/strict";
import { configMapNoSecrets, envNoPlaintextSecrets } from "../../rules/secrets/plaintext";
import { configMap, deployment, pod, RELAY, S } from "../compliantStack";
import { messagesOf, policyTable } from "../support";
import { HEX_KEY, PEM } from "./support";

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
});
