/**
 * The plan adapter: recorded resources as the policy pack's offline runner takes them.
 */
import { evaluatePolicies, OfflineResource, OfflineViolation } from "../policies/offline";
import { RecordedResource } from "./mockEngine";

/** A recorded resource as the policy pack's offline runner takes it. */
export function toOfflineResource(resource: RecordedResource): OfflineResource {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        parent: resource.parent,
        props: resource.inputs,
        secretPaths: resource.secretPaths,
        options: resource.options,
    };
}

/** Evaluates the whole pack over a run's resources with `policies/config/<network>.json`. */
export function evaluateRecorded(resources: readonly RecordedResource[], network: string): Promise<OfflineViolation[]> {
    return evaluatePolicies(resources.map(toOfflineResource), { config: network });
}
