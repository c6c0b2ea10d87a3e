/**
 * KMS: customer-managed keys that rotate, cannot vanish quickly, and whose key policies name their
 * principals.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { wildcardPrincipalProblems } from "../iamDocument";
import { AWS, defaultEnforcement, show, validateTypes } from "../util";
import { MinimumDaysConfig, minimumDaysSchema, tags } from "./common";

/** Whether a key's spec and usage allow automatic rotation (symmetric encryption keys in AWS KMS). */
export function keyCanRotate(props: Record<string, unknown>): boolean {
    const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
    const usage = props.keyUsage ?? "ENCRYPT_DECRYPT";
    const customStore =
        props.customKeyStoreId !== undefined && props.customKeyStoreId !== null && props.customKeyStoreId !== "";
    return spec === "SYMMETRIC_DEFAULT" && usage === "ENCRYPT_DECRYPT" && !customStore;
}

/** Symmetric keys rotate. */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation-enabled",
    description:
        "Symmetric encryption KMS keys must set enableKeyRotation: true, so key material is rotated " +
        "yearly; asymmetric (SIGN_VERIFY, RSA/ECC), HMAC and custom-key-store keys, which KMS " +
        "cannot rotate, are exempt.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey], (args, reportViolation) => {
        if (!keyCanRotate(args.props)) return;
        if (args.props.enableKeyRotation !== true) {
            reportViolation(
                `enableKeyRotation is ${show(args.props.enableKeyRotation)}; set it to true so KMS rotates ` +
                    `the key material every year (old material still decrypts existing data).`,
            );
        }
    }),
};

/** KMS keys keep a long deletion window. */
export const kmsKeyDeletionWindow: ResourceValidationPolicy = {
    name: "kms-key-deletion-window",
    description:
        "A KMS key's deletionWindowInDays (AWS default 30 when unset) must be at least " +
        "`minimumDays` (default 30; devnet 7), because everything encrypted under a deleted key is " +
        "lost and the window is the only way back.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    configSchema: minimumDaysSchema("Fewest days a key stays recoverable after its deletion is scheduled."),
    validateResource: validateTypes([AWS.KmsKey], (args, reportViolation) => {
        const minimum = args.getConfig<MinimumDaysConfig>().minimumDays ?? 30;
        const value = args.props.deletionWindowInDays;
        const effective = typeof value === "number" ? value : 30;
        if (effective < minimum) {
            reportViolation(
                `deletionWindowInDays is ${show(value)}; set it to at least ${minimum} (policy config ` +
                    `minimumDays) so a key scheduled for deletion by mistake can be recovered: data encrypted ` +
                    `under a deleted key is lost.`,
            );
        }
    }),
};

/** KMS key policies name their principals. */
export const kmsKeyPolicyNoWildcardPrincipal: ResourceValidationPolicy = {
    name: "kms-key-policy-no-wildcard-principal",
    description:
        "No Allow statement of a KMS key policy (Key.policy or KeyPolicy.policy) may have Principal " +
        '"*" / {"AWS": "*"} or use NotPrincipal, because that grants the key to every AWS principal ' +
        "that can reach it.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey, AWS.KmsKeyPolicy], (args, reportViolation) => {
        if (args.props.policy === undefined || args.props.policy === null) return; // the default key policy trusts the account only
        wildcardPrincipalProblems(
            "policy",
            args.props.policy,
            "name the account root, roles or services that use the key: a wildcard principal grants the key to anyone who can reach it.",
        ).forEach((m) => reportViolation(m));
    }),
};
