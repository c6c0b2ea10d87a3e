/**
 * Protection: stateful resources (KMS keys, secrets, buckets, StatefulSets, PVCs) carry the
 * protect option wherever the network requires it.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { AWS, defaultEnforcement, describeResource, K8S, show } from "../util";

/** The types that hold data a replacement or deletion would lose. */
export const STATEFUL_TYPES: readonly string[] = [
    AWS.KmsKey,
    AWS.Secret,
    AWS.Bucket,
    AWS.BucketV2,
    K8S.StatefulSet,
    K8S.PersistentVolumeClaim,
];

/** Config of {@link statefulResourcesProtected}. */
export interface RequireProtectConfig {
    requireProtect: boolean;
}

/** Stateful resources are protected where the network requires it. */
export const statefulResourcesProtected: StackValidationPolicy = {
    name: "stateful-resources-protected",
    description:
        `When \`requireProtect\` is true (default; testnet and mainnet), KMS keys, Secrets Manager ` +
        `secrets, S3 buckets, StatefulSets and PersistentVolumeClaims must have the protect ` +
        `resource option, so no refactor or accidental destroy can delete their data.`,
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    configSchema: {
        properties: {
            requireProtect: {
                type: "boolean",
                default: true,
                description: "Whether stateful resources must be protected on this network.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (args.getConfig<RequireProtectConfig>().requireProtect === false) return;
        for (const r of args.resources) {
            if (!STATEFUL_TYPES.includes(r.type) || r.opts.protect === true) continue;
            reportViolation(
                `${describeResource(r)} has opts.protect ${show(r.opts.protect)}; set protect: true (policy ` +
                    `config requireProtect is true on this network) so Pulumi refuses to delete or replace it ` +
                    `and its data.`,
                r.urn,
            );
        }
    },
};
