/**
 * What the offline-runner specs share: stand-in resource classes and a policy that records the
 * args it is given.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/** Stand-in resource classes, as generated SDK classes look to the policy SDK. */
export class FakeBucket {
    static __pulumiType = "aws:s3/bucket:Bucket";
}
export class FakeRole {
    static __pulumiType = "aws:iam/role:Role";
}

/** A resource policy (with a config schema) that records every args object it is given. */
export function recorder(): { policy: ResourceValidationPolicy; seen: ResourceValidationArgs[] } {
    const seen: ResourceValidationArgs[] = [];
    return {
        seen,
        policy: {
            name: "record-args",
            description: "test",
            configSchema: { properties: { limit: { type: "integer", default: 5 } } },
            validateResource: (args) => void seen.push(args),
        },
    };
}
