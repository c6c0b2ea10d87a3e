/**
 * The plan adapter: recorded resources as the policy pack's offline runner takes them.
 */
import { evaluatePolicies, OfflineResource, OfflineViolation } from "../policies/offline";
import { RecordedResource } from "./mockEngine";

/**
 * A recorded resource as the policy pack's offline runner takes it: its inputs for resource
 * policies (as `pulumi preview` checks them) and the outputs the mock answered for stack policies
 * (as they see the stack after `pulumi up`).
 */
export function toOfflineResource(resource: RecordedResource): OfflineResource {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        parent: resource.parent,
        props: resource.inputs,
        outputs: resource.outputs,
        secretPaths: resource.secretPaths,
        options: resource.options,
    };
}

/** Evaluates the whole pack over a run's resources with `policies/config/<network>.json`. */
export function evaluateRecorded(resources: readonly RecordedResource[], network: string): Promise<OfflineViolation[]> {
    return evaluatePolicies(resources.map(toOfflineResource), { config: network });
}
