/**
 * workload-ephemeral-storage (rules/workload/storage.ts): one passing input and one mutation per
 * failing condition, with exact messages; storage quantities.
 */
import * as assert from "node:assert/strict";
import { ephemeralStorage, storageBytes } from "../../rules/workload/storage";
import { C0, deployment, pod, RELAY, S, secureContainer } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("workload policies", () => {
    const fix =
        "set ephemeral-storage requests and limits: the request places the pod on a node with the disk it needs, " +
        "the limit evicts this pod rather than its neighbours when its logs or emptyDir volumes fill the node's disk.";
    const coverFix =
        "raise the limits to cover the emptyDirs plus the containers' logs: the kubelet evicts the pod at the sum " +
        "of its limits, before a volume reaches its sizeLimit.";
    const limits = (d: ReturnType<typeof deployment>) => pod(d).containers![0].resources!.limits!;
    policyTable(ephemeralStorage, deployment, (d) => d, [
        {
            name: "no ephemeral-storage request",
            mutate: (d) => void delete pod(d).containers![0].resources!.requests!["ephemeral-storage"],
            messages: [`${C0}.resources.requests["ephemeral-storage"] is unset${RELAY}; ${fix}`],
        },
        {
            name: "an empty ephemeral-storage limit",
            mutate: (d) => void (limits(d)["ephemeral-storage"] = ""),
            messages: [`${C0}.resources.limits["ephemeral-storage"] is ""${RELAY}; ${fix}`],
        },
        {
            name: "an init container without resources",
            mutate: (d) => void (pod(d).initContainers = [{ name: "migrate", image: "m:1" }]),
            messages: ["requests", "limits"].map(
                (s) =>
                    `${S}.initContainers[0].resources.${s}["ephemeral-storage"] is unset (init container "migrate"); ${fix}`,
            ),
        },
        {
            name: "a limit below the emptyDir sizeLimit",
            mutate: (d) => void (limits(d)["ephemeral-storage"] = "128Mi"),
            messages: [
                `${S}.containers: the ephemeral-storage limits ("128Mi") are below the sizeLimits of the pod's ` +
                    `disk-backed emptyDir volumes (tmp "256Mi"); ${coverFix}`,
            ],
        },
        {
            name: "limits that add up to less than several emptyDirs (a sidecar's limit counts)",
            mutate: (d) => {
                pod(d).volumes!.push({ name: "cache", emptyDir: { sizeLimit: "1Gi" } });
                pod(d).volumes!.push({ name: "shm", emptyDir: { medium: "Memory", sizeLimit: "8Gi" } });
                pod(d).initContainers = [{ ...secureContainer("proxy", 1), restartPolicy: "Always" }];
            },
            messages: [
                `${S}.containers: the ephemeral-storage limits ("512Mi" + "512Mi") are below the sizeLimits of ` +
                    `the pod's disk-backed emptyDir volumes (tmp "256Mi", cache "1Gi"); ${coverFix}`,
            ],
        },
    ]);

    it("workload-ephemeral-storage counts memory-backed emptyDirs against memory, not disk", async () => {
        const d = deployment();
        pod(d).volumes = [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "2Gi" } }];
        assert.deepEqual(await messagesOf(ephemeralStorage, d), []);
    });

    it("storageBytes reads Kubernetes quantities", () => {
        const table: [unknown, number | undefined][] = [
            ["256Mi", 256 * 1024 ** 2],
            ["1Gi", 1024 ** 3],
            ["1G", 1e9],
            ["500k", 5e5],
            ["1e3", 1000],
            ["1.5Gi", 1.5 * 1024 ** 3],
            [2048, 2048],
            ["", undefined],
            ["1 Gi", undefined],
            ["lots", undefined],
            [undefined, undefined],
        ];
        for (const [quantity, bytes] of table) assert.equal(storageBytes(quantity), bytes, String(quantity));
    });
});
