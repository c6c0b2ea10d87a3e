import * as assert from "node:assert/strict";
import {
    namespaceLabels,
    namespaceProblems,
    PlatformNamespace,
    PlatformNamespaceArgs,
    quotaHard,
} from "../../../components/k8s/namespace";
import { registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
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

    const valid: PlatformNamespaceArgs = {
        name: "messaging-devnet",
        network: "devnet",
        owner: "platform-team",
        quota: {
            requestsCpu: "8",
            requestsMemory: "16Gi",
            limitsCpu: "16",
            limitsMemory: "32Gi",
            pods: 60,
            persistentVolumeClaims: 10,
            requestsStorage: "200Gi",
        },
        containerDefaults: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    };

    it("lists every bad argument at once and registers nothing", async () => {
        assert.deepEqual(namespaceProblems(valid), []);
        const bad: PlatformNamespaceArgs = {
            ...valid,
            name: "Messaging_Devnet",
            quota: { ...valid.quota, limitsCpu: "lots", pods: -1 },
            containerDefaults: { ...valid.containerDefaults, limits: { cpu: "500m", memory: "half a gig" } },
        };
        await assert.rejects(
            runInMockEngine(() => new PlatformNamespace("ns", bad), { project: "messaging-infra", stack: "devnet" }),
            (error: unknown) => {
                assert.ok(error instanceof Error);
                assert.equal(
                    error.message,
                    [
                        'Invalid arguments to messaging:k8s:PlatformNamespace "ns": 4 problems. Fix the caller:',
                        '  - name: got "Messaging_Devnet"; allowed: a DNS-1123 label: lower-case letters, digits and ' +
                            "'-', starting and ending with a letter or digit, at most 63 characters",
                        '  - quota.limitsCpu: got "lots"; allowed: a CPU quantity such as 250m or 1',
                        "  - quota.pods: got -1; allowed: an integer >= 0",
                        '  - containerDefaults.limits.memory: got "half a gig"; allowed: a memory or storage quantity ' +
                            "such as 256Mi or 10Gi",
                    ].join("\n"),
                );
                assert.equal(registeredBeforeFailure(error), 0);
                return true;
            },
        );
    });
});
