import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    ClusterSecret,
    ClusterSecretArgs,
    clusterSecretName,
    clusterSecretProblems,
} from "../../../components/k8s/clusterSecret";
import { runInMockEngine } from "../../../harness/mockEngine";

function validArgs(overrides: Partial<ClusterSecretArgs> = {}): ClusterSecretArgs {
    return {
        namespace: "messaging-devnet",
        network: "devnet",
        service: "relay",
        values: { "operator-keys": pulumi.secret('["k1"]'), "covenantsql-credentials": pulumi.secret("user:pass") },
        ...overrides,
    };
}

describe("k8s ClusterSecret", () => {
    it("writes an Opaque, mutable, labelled Secret whose values stay secret", async () => {
        const { resources, outputs } = await runInMockEngine(
            () => {
                const secret = new ClusterSecret("relay-secrets", validArgs());
                const ref = secret.ref("operator-keys");
                return { name: secret.secretName, refName: ref.name, refKey: ref.key };
            },
            { project: "messaging-infra", stack: "devnet" },
        );
        assert.deepEqual(
            resources.map((r) => [r.type, r.name]),
            [
                ["messaging:k8s:ClusterSecret", "relay-secrets"],
                ["kubernetes:core/v1:Secret", "relay-secrets-secret"],
            ],
        );
        const secret = resources[1];
        assert.equal(secret.parent, resources[0].urn);
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {
                name: "relay-secrets",
                namespace: "messaging-devnet",
                labels: {
                    "app.kubernetes.io/name": "relay",
                    "app.kubernetes.io/instance": "devnet",
                    "app.kubernetes.io/component": "secrets",
                    "app.kubernetes.io/part-of": "messaging-infra",
                    "app.kubernetes.io/managed-by": "pulumi",
                },
            },
            type: "Opaque",
            immutable: false,
            stringData: { "covenantsql-credentials": "user:pass", "operator-keys": '["k1"]' },
        });
        assert.deepEqual(secret.secretPaths, ["stringData"]);
        assert.deepEqual(secret.options.additionalSecretOutputs, ["data", "stringData"]);
        assert.deepEqual(outputs, { name: "relay-secrets", refName: "relay-secrets", refKey: "operator-keys" });
    });

    it("marks a value secret even when the caller passed a plain one", async () => {
        const { resources } = await runInMockEngine(
            () => {
                new ClusterSecret(
                    "kms-secrets",
                    validArgs({ service: "kms-service", values: { "master-key": pulumi.output("not-marked") } }),
                );
            },
            { project: "messaging-infra", stack: "devnet" },
        );
        const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret");
        assert.equal((secret?.inputs.metadata as { name: string }).name, "kms-service-secrets");
        assert.deepEqual(secret?.secretPaths, ["stringData"]);
    });

    it("refuses a reference to a key it does not hold", async () => {
        await runInMockEngine(
            () => {
                const secret = new ClusterSecret("relay-secrets", validArgs());
                assert.throws(() => secret.ref("operator-key"), {
                    message:
                        'ClusterSecret has no key "operator-key" (it holds: covenantsql-credentials, operator-keys)',
                });
            },
            { project: "messaging-infra", stack: "devnet" },
        );
    });

    it("names the Secret after the service unless told otherwise", () => {
        assert.equal(clusterSecretName({ service: "relay" }), "relay-secrets");
        assert.equal(clusterSecretName({ service: "relay", secretName: "relay-operator" }), "relay-operator");
    });

    it("rejects bad keys, no values and a bad name, all at once, without echoing a value", () => {
        assert.deepEqual(clusterSecretProblems(validArgs()), []);
        assert.throws(
            () => new ClusterSecret("x", validArgs({ secretName: "Relay_Secrets", values: { "bad key": "hunter2" } })),
            {
                name: "ArgumentsError",
                message: [
                    'Invalid arguments to messaging:k8s:ClusterSecret "x": 2 problems. Fix the caller:',
                    "  - secretName: got \"Relay_Secrets\"; allowed: a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', " +
                        "starting and ending with a letter or digit",
                    "  - values: got \"bad key\"; allowed: a Secret key: letters, digits, '-', '_' and '.'",
                ].join("\n"),
            },
        );
        assert.throws(() => new ClusterSecret("x", validArgs({ values: {} })), {
            message: /  - values: got \[\]; allowed: at least one key$/,
        });
    });
});
