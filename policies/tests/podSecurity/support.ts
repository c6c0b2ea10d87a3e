/**
 * What the pod-security specs share: the policy by name and a table over the compliant relay
 * Deployment.
 */
import { OfflineResource } from "../../offline";
import { PackPolicy } from "../../rules";
import { podSecurityPolicies } from "../../rules/podSecurity";
import { deployment } from "../compliantStack";
import { FailingCase, policyTable } from "../support";

/** The pod-security policy named `name`. */
export const policy = (name: string): PackPolicy => {
    const found = podSecurityPolicies.find((p) => p.name === name);
    if (!found) throw new Error(`no policy ${name}`);
    return found;
};

/** Declares one policy's tests over the compliant relay Deployment. */
export function table(name: string, cases: FailingCase<OfflineResource>[]): void {
    policyTable(policy(name), deployment, (d) => d, cases);
}
