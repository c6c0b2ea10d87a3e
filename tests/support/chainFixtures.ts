/** devnet's validated chain config and a mock-engine run of one chain component, for the chain specs. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InClusterChain } from "../../components/config/chain";
import { MockRun, RecordedResource, runInMockEngine } from "../../harness/mockEngine";
import { networkConfigFor } from "../../harness/networkConfig";

// Navigating recorded inputs, which are plain JSON.
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** devnet's committed chain config. */
export function devnetChain(): InClusterChain {
    const chain = networkConfigFor("devnet").chain;
    assert.equal(chain.mode, "in-cluster");
    return chain as InClusterChain;
}

/** Where the chain specs place a component. */
export const placement = { network: "devnet" as const, namespace: "messaging-devnet" };

/** Runs `make` in the mock engine (stack devnet). */
export function runComponent(make: () => unknown): Promise<MockRun<unknown>> {
    return runInMockEngine(
        () => {
            make();
            return {};
        },
        { project: "messaging-infra", stack: "devnet" },
    );
}

/** The one resource of `type`. */
export function only(resources: RecordedResource[], type: string): Json {
    const found = resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.map((r) => r.name).join(", ")}`);
    return found[0].inputs as Json;
}

/** The resources of `type`. */
export const all = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

/** A container's env as name -> `config:<key>` or `secret:<name>/<key>`. */
export function envOf(container: Json): Record<string, string> {
    return Object.fromEntries(
        (container.env as Json[]).map((e) => [
            e.name,
            e.valueFrom.secretKeyRef
                ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`
                : `config:${e.valueFrom.configMapKeyRef.key}`,
        ]),
    );
}

/** A Pulumi secret standing in for a Secrets Manager entry's value. */
export const secretValue = (name: string) => pulumi.secret(`value-of-${name}`);

/** The default probe timings, written out: startup, readiness, liveness. */
export const TIMINGS = {
    startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24, successThreshold: 1 },
    readiness: {
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
        successThreshold: 1,
    },
    liveness: {
        initialDelaySeconds: 0,
        periodSeconds: 15,
        timeoutSeconds: 3,
        failureThreshold: 3,
        successThreshold: 1,
    },
};

/** The labels of a chain component's objects. */
export const chainLabels = (service: string) => ({
    "app.kubernetes.io/name": service,
    "app.kubernetes.io/instance": "devnet",
    "app.kubernetes.io/component": "chain",
    "app.kubernetes.io/part-of": "messaging-infra",
    "app.kubernetes.io/managed-by": "pulumi",
});
