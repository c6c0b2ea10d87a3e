/**
 * The policy pack against the real program: every stack passes its network's policy config
 * with no mandatory violation, and insecure variants of the program (derived with stack
 * transformations, or by dropping a resource) are blocked by the policy meant to catch them.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OfflineViolation } from "../../policies/offline";
import { evaluateRecorded } from "../../harness/policies";
import { RecordedResource } from "../../harness/mockEngine";
import { runStack } from "../../harness/stack";
import { committedStackRun } from "../support/stackRuns";

const violations = (resources: RecordedResource[], network: string): Promise<OfflineViolation[]> =>
    evaluateRecorded(resources, network);

const summary = (vs: OfflineViolation[]) =>
    vs.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.name}: ${v.message}`);

/** A transformation that edits the props of resources of one type whose name ends with `suffix`. */
function editing(
    type: string,
    suffix: string,
    edit: (props: Record<string, unknown>) => void,
): pulumi.ResourceTransformation {
    return (args) => {
        if (args.type !== type || !args.name.endsWith(suffix)) return undefined;
        const props = structuredCloneInputs(args.props);
        edit(props);
        return { props, opts: args.opts };
    };
}

/** Copies plain nested objects and arrays, keeping Outputs and other instances as they are. */
function structuredCloneInputs<T>(value: T): T {
    if (Array.isArray(value)) return value.map(structuredCloneInputs) as T;
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuredCloneInputs(v)])) as T;
    }
    return value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs are edited as raw JSON
type Json = any;
const relayContainer = (props: Json) => props.spec.template.spec.containers[0];

describe("policy pack over the real program", () => {
    for (const stack of ["devnet", "testnet", "mainnet"]) {
        it(`${stack}: passes ${stack}'s policy config without a single violation`, async () => {
            const found = await violations((await committedStackRun(stack)).resources, stack);
            assert.deepEqual(summary(found), []);
        });
    }

    interface Variant {
        title: string;
        transformations?: pulumi.ResourceTransformation[];
        drop?: (r: RecordedResource) => boolean;
        policy: string;
        resource: string;
    }
    const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
    const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
    const variants: Variant[] = [
        {
            title: "a privileged container",
            transformations: [
                editing(
                    STATEFULSET,
                    "relay-workload-statefulset",
                    (p) => (relayContainer(p).securityContext.privileged = true),
                ),
            ],
            policy: "pss-privileged-containers",
            resource: "messaging-mainnet-relay-workload-statefulset",
        },
        {
            title: "a wildcard IAM grant",
            transformations: [
                editing("aws:iam/rolePolicy:RolePolicy", "relay-role-permissions", (p) => {
                    p.policy = JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: "secretsmanager:*",
                                Resource:
                                    "arn:aws:secretsmanager:us-east-1:777788889999:secret:messaging-infra/mainnet/relay-operator-keys-AbCdEf",
                            },
                        ],
                    });
                }),
            ],
            policy: "iam-no-wildcard-actions",
            resource: "messaging-mainnet-relay-role-permissions",
        },
        {
            title: "KMS key rotation off",
            transformations: [editing("aws:kms/key:Key", "-key-key", (p) => (p.enableKeyRotation = false))],
            policy: "kms-key-rotation-enabled",
            resource: "messaging-mainnet-key-key",
        },
        {
            title: "the default deny removed",
            drop: (r) => r.name === "messaging-mainnet-traffic-default-deny",
            policy: "namespace-default-deny",
            resource: "messaging-mainnet-namespace",
        },
        {
            title: "the relay's ServiceMonitor removed",
            drop: (r) => r.name === "messaging-mainnet-monitoring-relay-service-monitor",
            policy: "workload-metrics-scraped",
            resource: "messaging-mainnet-relay-workload-statefulset",
        },
        {
            title: "a plaintext password env",
            transformations: [
                editing(STATEFULSET, "relay-workload-statefulset", (p) =>
                    relayContainer(p).env.push({ name: "DATABASE_PASSWORD", value: "hunter2-but-longer" }),
                ),
            ],
            policy: "env-no-plaintext-secrets",
            resource: "messaging-mainnet-relay-workload-statefulset",
        },
        {
            title: "an unpinned image",
            transformations: [
                editing(
                    DEPLOYMENT,
                    "kms-service-workload-deployment",
                    (p) => (relayContainer(p).image = "registry.example.org/messaging/kms-service:latest"),
                ),
            ],
            policy: "workload-image-pinned",
            resource: "messaging-mainnet-kms-service-workload-deployment",
        },
        {
            title: "a fixed replica count on the HPA-scaled relay",
            transformations: [editing(STATEFULSET, "relay-workload-statefulset", (p: Json) => (p.spec.replicas = 3))],
            policy: "hpa-target-no-replicas",
            resource: "messaging-mainnet-relay-workload-statefulset",
        },
        {
            title: "a messaging-api PDB at its HPA's floor",
            transformations: [
                editing(
                    "kubernetes:policy/v1:PodDisruptionBudget",
                    "messaging-api-workload-pdb",
                    (p: Json) => (p.spec.minAvailable = 3),
                ),
            ],
            policy: "pdb-below-hpa-min",
            resource: "messaging-mainnet-messaging-api-workload-pdb",
        },
        {
            title: "a headless Service whose selector misses the object store's pods",
            transformations: [
                editing(
                    "kubernetes:core/v1:Service",
                    "object-store-workload-headless",
                    (p: Json) => (p.spec.selector = { ...p.spec.selector, "app.kubernetes.io/name": "objectstore" }),
                ),
            ],
            policy: "service-selects-workload",
            resource: "messaging-mainnet-object-store-workload-headless",
        },
        {
            title: "an Ingress route to a port the Service does not have",
            transformations: [
                editing(
                    "kubernetes:networking.k8s.io/v1:Ingress",
                    "messaging-api-ingress-ingress",
                    (p: Json) => (p.spec.rules[0].http.paths[0].backend.service.port = { name: "websocket" }),
                ),
            ],
            policy: "ingress-backend-exists",
            resource: "messaging-mainnet-messaging-api-ingress-ingress",
        },
    ];

    for (const variant of variants) {
        it(`mainnet: blocks ${variant.title} with ${variant.policy}`, async () => {
            const run = await runStack("mainnet", { transformations: variant.transformations });
            const resources = run.resources.filter((r) => !(variant.drop?.(r) ?? false));
            assert.ok(
                resources.length < run.resources.length || variant.transformations,
                "the variant changed nothing",
            );
            const found = (await violations(resources, "mainnet")).filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                found.map((v) => [v.policyName, v.name]),
                [[variant.policy, variant.resource]],
                summary(found).join("\n"),
            );
        });
    }

    // The case: before this pack round the relay below passed mainnet with 0 violations.
    it("mainnet: blocks a relay with a writable root and no zone spread, on both rules", async () => {
        const relay = "messaging-mainnet-relay-workload-statefulset";
        const run = await runStack("mainnet", {
            transformations: [
                editing(STATEFULSET, "relay-workload-statefulset", (p) => {
                    relayContainer(p).securityContext.readOnlyRootFilesystem = false;
                    delete (p as Json).spec.template.spec.topologySpreadConstraints;
                }),
            ],
        });
        const found = (await violations(run.resources, "mainnet")).filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(
            found.map((v) => [v.policyName, v.name]),
            [
                ["pod-read-only-root-filesystem", relay],
                ["workload-spread-across-zones", relay],
            ],
            summary(found).join("\n"),
        );
    });
});
