/**
 * KMS: customer-managed keys that rotate, cannot vanish quickly, and whose key policies name their
 * principals.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CALLER_SCOPE_KEYS, wildcardPrincipalProblems } from "../iamDocument";
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

/** KMS key policies name their principals, or pin a wildcard one to the caller's account or organization. */
export const kmsKeyPolicyNoWildcardPrincipal: ResourceValidationPolicy = {
    name: "kms-key-policy-no-wildcard-principal",
    description:
        "No Allow statement of a KMS key policy (Key.policy or KeyPolicy.policy) may have Principal " +
        '"*" / {"AWS": "*"} unless a condition pins the caller to named accounts or an organization ' +
        "(StringEquals, StringEqualsIgnoreCase or StringLike without * or ?, or their ForAnyValue: " +
        `forms, on ${CALLER_SCOPE_KEYS.join(", ")}), nor use NotPrincipal, because an unpinned ` +
        "wildcard grants the key to every AWS principal that can reach it.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey, AWS.KmsKeyPolicy], (args, reportViolation) => {
        if (args.props.policy === undefined || args.props.policy === null) return; // the default key policy trusts the account only
        wildcardPrincipalProblems(
            "policy",
            args.props.policy,
            "name the account root, roles or services that use the key: a wildcard principal grants the key to anyone who can reach it.",
            {
                callerScopeFix:
                    "name the account root, roles or services that use the key, or pin the caller with " +
                    `StringEquals on ${CALLER_SCOPE_KEYS.join(", ")} to your account IDs or organization ID: ` +
                    "a wildcard principal grants the key to anyone who can reach it.",
            },
        ).forEach((m) => reportViolation(m));
    }),
};

/** KMS keeps refusing key policies that would lock everyone out of a key. */
export const kmsKeyPolicyLockoutSafety: ResourceValidationPolicy = {
    name: "kms-key-policy-lockout-safety",
    description:
        "A KMS Key or KeyPolicy must not set bypassPolicyLockoutSafetyCheck: true, because KMS's " +
        "safety check is what rejects a key policy that would leave no principal of the account able " +
        "to change it again (PutKeyPolicy); a key in that state can no longer be managed from the account.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey, AWS.KmsKeyPolicy], (args, reportViolation) => {
        if (args.props.bypassPolicyLockoutSafetyCheck === true) {
            reportViolation(
                "bypassPolicyLockoutSafetyCheck is true; remove it or set it to false so KMS rejects a key " +
                    "policy that would leave no principal able to change it: a key locked that way can no longer " +
                    "be managed from the account.",
            );
        }
    }),
};
