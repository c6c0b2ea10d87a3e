import * as assert from "node:assert/strict";
import { namespaceLabels, quotaHard } from "../../../components/k8s/namespace";
import { committedStackRun } from "../../support/stackRuns";

describe("PlatformNamespace", () => {
    it("labels the namespace restricted on every Pod Security Admission mode, pinned to v1.35", () => {
        assert.deepEqual(namespaceLabels({ network: "mainnet", owner: "platform-team" }), {
            "app.kubernetes.io/part-of": "messaging-infra",
            "app.kubernetes.io/instance": "mainnet",
            "app.kubernetes.io/managed-by": "pulumi",
            "messaging-infra/owner": "platform-team",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.35",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "v1.35",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "v1.35",
        });
    });

    it("renders the quota's hard limits", () => {
        assert.deepEqual(
            quotaHard({
                requestsCpu: "8",
                requestsMemory: "16Gi",
                limitsCpu: "16",
                limitsMemory: "32Gi",
                pods: 60,
                persistentVolumeClaims: 10,
                requestsStorage: "200Gi",
            }),
            {
                "requests.cpu": "8",
                "requests.memory": "16Gi",
                "limits.cpu": "16",
                "limits.memory": "32Gi",
                pods: "60",
                persistentvolumeclaims: "10",
                "requests.storage": "200Gi",
            },
        );
    });

    const sizes: Record<string, [string, string, string]> = {
        devnet: ["8", "16Gi", "60"],
        testnet: ["16", "32Gi", "80"],
        mainnet: ["32", "64Gi", "120"],
    };
    for (const stack of ["devnet", "testnet", "mainnet"]) {
        it(`${stack}: one namespace with its quota and container defaults, sized per network`, async () => {
            const { resources } = await committedStackRun(stack);
            const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
            assert.deepEqual(
                namespaces.map((n) => (n.inputs as { metadata: { name: string } }).metadata.name),
                [`messaging-${stack}`],
            );
            const [quota] = resources.filter((r) => r.type === "kubernetes:core/v1:ResourceQuota");
            const hard = (quota.inputs as { spec: { hard: Record<string, string> } }).spec.hard;
            assert.deepEqual([hard["requests.cpu"], hard["requests.memory"], hard.pods], sizes[stack]);
            assert.equal(
                (quota.inputs as { metadata: { namespace: string } }).metadata.namespace,
                `messaging-${stack}`,
            );
            const [limitRange] = resources.filter((r) => r.type === "kubernetes:core/v1:LimitRange");
            assert.deepEqual((limitRange.inputs as { spec: unknown }).spec, {
                limits: [
                    {
                        type: "Container",
                        default: { cpu: "500m", memory: "512Mi" },
                        defaultRequest: { cpu: "100m", memory: "128Mi" },
                    },
                ],
            });
        });
    }
});
