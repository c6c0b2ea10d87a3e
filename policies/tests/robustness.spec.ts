/**
 * No policy may throw, whatever shape the props take (a throwing policy fails the whole preview):
 * arbitrary JSON at every level of the paths the rules read, for every type the pack handles.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { evaluatePolicies, OfflineResource } from "../offline";
import { AWS, K8S } from "../rules/util";
import { urnOf } from "./support";

// Plus types only k8s-api-version-supported handles: another API version, a Patch, a Helm Release.
const TYPES = [
    ...Object.values(K8S),
    ...Object.values(AWS),
    "kubernetes:batch/v1beta1:CronJob",
    "kubernetes:apps/v1:DeploymentPatch",
    "kubernetes:helm.sh/v3:Release",
];

/** Props that follow the paths the rules read, with arbitrary JSON wherever a value sits. */
const shaped = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        tie("object"),
        fc.array(tie("value"), { maxLength: 3 }),
    ),
    object: fc.dictionary(
        fc.constantFrom(
            "spec",
            "template",
            "jobTemplate",
            "metadata",
            "containers",
            "initContainers",
            "securityContext",
            "capabilities",
            "add",
            "drop",
            "volumes",
            "env",
            "name",
            "value",
            "policy",
            "assumeRolePolicy",
            "Statement",
            "Action",
            "Resource",
            "Principal",
            "Condition",
            "rules",
            "tls",
            "hosts",
            "host",
            "labels",
            "annotations",
            "namespace",
            "selector",
            "matchLabels",
            "matchExpressions",
            "replicas",
            "volumeClaimTemplates",
            "bucket",
            "data",
            "stringData",
            "ports",
            "hostPort",
            "type",
            "inlinePolicies",
            "scaleTargetRef",
            "sysctls",
            "apiGroups",
            "resources",
            "verbs",
            "nonResourceURLs",
            "roleRef",
            "kind",
            "aggregationRule",
            "clusterRoleSelectors",
            "minAvailable",
            "maxUnavailable",
            "minReplicas",
            "maxReplicas",
            "podSelector",
            "defaultBackend",
            "http",
            "paths",
            "backend",
            "service",
            "port",
            "number",
            "key",
            "operator",
            "values",
        ),
        tie("value"),
        { maxKeys: 5 },
    ),
}));

const documents = fc.oneof(
    fc.string(),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ Statement: v })),
);

describe("policy robustness", () => {
    it("no policy throws on arbitrary props", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.array(
                    fc.record({
                        type: fc.constantFrom(...TYPES),
                        props: shaped.object,
                        policy: documents,
                        protect: fc.boolean(),
                    }),
                    { minLength: 1, maxLength: 6 },
                ),
                async (items) => {
                    const resources: OfflineResource[] = items.map((item, i) => {
                        const props: Record<string, unknown> = { ...item.props };
                        if (item.type.startsWith("aws:")) props.policy = item.policy;
                        return {
                            type: item.type,
                            name: `r${i}`,
                            urn: urnOf(item.type, `r${i}`),
                            props,
                            options: { protect: item.protect },
                        };
                    });
                    const violations = await evaluatePolicies(resources, { config: "mainnet" });
                    for (const v of violations) assert.equal(typeof v.message, "string");
                },
            ),
            { numRuns: 300, seed: 20260601 },
        );
    });
});
