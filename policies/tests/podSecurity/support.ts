/**
 * What the pod-security specs share: the policy by name, the relay Deployment's pod spec, the
 * paths messages name, and a table over the compliant relay Deployment.
 */
import { OfflineResource } from "../../offline";
import { PackPolicy } from "../../rules";
import { podSecurityPolicies } from "../../rules/podSecurity";
import { PodSpec } from "../../rules/pods";
import { deployment } from "../compliantStack";
import { FailingCase, policyTable } from "../support";

/** The pod-security policy named `name`. */
export const policy = (name: string): PackPolicy => {
    const found = podSecurityPolicies.find((p) => p.name === name);
    if (!found) throw new Error(`no policy ${name}`);
    return found;
};

/** The pod spec of the relay Deployment (mutable). */
export function pod(d: OfflineResource): PodSpec {
    return d.props.spec.template.spec as PodSpec;
}

/** The pod spec's path in a Deployment, its first container's, and how messages name that container. */
export const S = "spec.template.spec";
export const C0 = `${S}.containers[0]`;
export const RELAY = ' (container "relay")';

/** Declares one policy's tests over the compliant relay Deployment. */
export function table(name: string, cases: FailingCase<OfflineResource>[]): void {
    policyTable(policy(name), deployment, (d) => d, cases);
}
