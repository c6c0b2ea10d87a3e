/**
 * Test support for the policy specs: resource builders in the shape of the mock-engine harness
 * (OfflineResource), a runner for one policy, and the table helper "one passing input, one
 * mutation per failing condition, exact messages".
 */
import * as assert from "node:assert/strict";
import { evaluatePolicies, OfflineResource, OfflineViolation } from "../offline";
import { PackPolicy } from "../rules";

/** The stack the fixtures pretend to be. */
export const STACK = "mainnet";
/** The project the fixtures pretend to be. */
export const PROJECT = "messaging-infra";

/** The URN the engine would give a resource. */
export function urnOf(type: string, name: string, stack = STACK): string {
    return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** A recorded resource. */
export function res(
    type: string,
    name: string,
    props: Record<string, unknown>,
    options: OfflineResource["options"] = {},
    extra: Partial<OfflineResource> = {},
): OfflineResource {
    return { type, name, urn: urnOf(type, name), props, options: clone(options), ...extra };
}

/** A deep copy (fixtures are built fresh, but mutations must never leak between cases). */
export function clone<T>(value: T): T {
    return structuredClone(value);
}

/** Runs one policy over resources (with optional config for it) and returns its violations. */
export async function runPolicy(
    policy: PackPolicy,
    resources: OfflineResource | OfflineResource[],
    config?: Record<string, unknown>,
): Promise<OfflineViolation[]> {
    const list = Array.isArray(resources) ? resources : [resources];
    return evaluatePolicies(list, { policies: [policy], config: config ? { [policy.name]: config } : {} });
}

/** The messages one policy reports, after asserting every violation carries the policy's name. */
export async function messagesOf(
    policy: PackPolicy,
    resources: OfflineResource | OfflineResource[],
    config?: Record<string, unknown>,
): Promise<string[]> {
    const violations = await runPolicy(policy, resources, config);
    for (const v of violations) assert.equal(v.policyName, policy.name);
    return violations.map((v) => v.message);
}

/** One failing condition: how to break the passing input, and exactly what the policy must say. */
export interface FailingCase<T> {
    name: string;
    mutate: (input: T) => void;
    messages: string[];
    config?: Record<string, unknown>;
}

/**
 * Declares the tests of one policy: the passing input passes, and each mutation of it fails with
 * exactly the given messages. `build` returns the input; `toResources` turns it into resources.
 */
export function policyTable<T>(
    policy: PackPolicy,
    build: () => T,
    toResources: (input: T) => OfflineResource | OfflineResource[],
    cases: FailingCase<T>[],
    passConfig?: Record<string, unknown>,
): void {
    describe(policy.name, () => {
        it("passes the compliant input", async () => {
            assert.deepEqual(await messagesOf(policy, toResources(build()), passConfig), []);
        });
        for (const c of cases) {
            it(`fails: ${c.name}`, async () => {
                const input = build();
                c.mutate(input);
                assert.deepEqual(await messagesOf(policy, toResources(input), c.config ?? passConfig), c.messages);
            });
        }
    });
}

/** Replaces the JSON document at `field` of a resource through `edit`. */
export function editJson(
    r: OfflineResource,
    field: string,
    edit: (doc: { Statement: Record<string, unknown>[] }) => void,
): void {
    const doc = JSON.parse(r.props[field]);
    edit(doc);
    r.props[field] = JSON.stringify(doc);
}
