/** A valid Workload's arguments and helpers shared by the Workload specs. */
import * as assert from "node:assert/strict";
import { Workload, WorkloadArgs } from "../../components/k8s/workload";
import { MockRun, RecordedResource, runInMockEngine } from "../../harness/mockEngine";

/** A valid Workload's arguments; each bad-input case mutates one thing. */
export function validArgs(overrides: Partial<WorkloadArgs> = {}): WorkloadArgs {
    return {
        service: "api",
        network: "testnet",
        namespace: "messaging-testnet",
        image: "registry.example.org/team/api:1.2.3",
        replicas: 3,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        ports: [
            { name: "http", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
        ],
        probes: {
            port: "http",
            startup: { path: "/health" },
            readiness: { path: "/ready" },
            liveness: { path: "/health" },
        },
        settings: { LOG_LEVEL: "info", UPSTREAM_URL: "http://upstream.example.org" },
        secretEnv: [{ envName: "DB_PASSWORD", secret: { name: "api-secrets", key: "db-password" } }],
        ...overrides,
    };
}

/** The selector of the fixture's pods. */
export const selector = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "testnet" };
/** Every label of the fixture's objects. */
export const labels = {
    ...selector,
    "app.kubernetes.io/part-of": "messaging-infra",
    "app.kubernetes.io/managed-by": "pulumi",
};

/** The restricted container security context every platform container carries, written out. */
export const hardenedContainer = {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** The pod security context of a pod running as `id` (uid, gid and fsGroup), written out. */
export function hardenedPod(id: number) {
    return {
        runAsNonRoot: true,
        runAsUser: id,
        runAsGroup: id,
        fsGroup: id,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Runs one Workload under the mock engine. */
export async function run(args: WorkloadArgs): Promise<MockRun<unknown>> {
    return runInMockEngine(
        () => {
            const workload = new Workload("api", args);
            return {
                serviceName: workload.serviceName,
                serviceAccountName: workload.serviceAccountName,
                workloadName: workload.workloadName,
                ...(workload.configMapName ? { configMapName: workload.configMapName } : {}),
            };
        },
        { project: "messaging-infra", stack: "testnet" },
    );
}

/** The one recorded resource of a type. */
export function only(resources: RecordedResource[], type: string): RecordedResource {
    const found = resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.map((r) => r.name).join(", ")}`);
    return found[0];
}

// Navigating recorded inputs, which are plain JSON.
/** Recorded inputs, navigated as plain JSON. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Container resources as the pod spec writes them: cpu and memory as configured, plus the default
 * ephemeral storage of a container whose pod writes only to the 256Mi `/tmp` emptyDir (a 64Mi
 * request; the emptyDir plus 128Mi for logs as the limit).
 */
export function withDefaultEphemeralStorage(
    resources: { requests: Json; limits: Json },
    limit = "384Mi",
): { requests: Json; limits: Json } {
    return {
        requests: { ...resources.requests, "ephemeral-storage": "64Mi" },
        limits: { ...resources.limits, "ephemeral-storage": limit },
    };
}
