/**
 * Secrets Manager: entries encrypted under a customer-managed key, with a recovery window.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS, defaultEnforcement, show, validateTypes } from "../util";
import { MinimumDaysConfig, minimumDaysSchema, tags } from "./common";

/** Whether a KMS key reference is the AWS-managed Secrets Manager key. */
function isAwsManagedSecretsKey(value: string): boolean {
    return value === "alias/aws/secretsmanager" || value.endsWith(":alias/aws/secretsmanager");
}

/** Secrets are encrypted under a customer-managed key. */
export const secretCustomerKmsKey: ResourceValidationPolicy = {
    name: "secretsmanager-customer-kms-key",
    description:
        "Every Secrets Manager secret must set kmsKeyId to a customer-managed KMS key (not absent, " +
        "not alias/aws/secretsmanager), so reading it also needs kms:Decrypt on a key whose policy " +
        "we control.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Secret], (args, reportViolation) => {
        const value = args.props.kmsKeyId;
        if (typeof value !== "string" || value === "") {
            reportViolation(
                `kmsKeyId is ${show(value)}; set it to the network's customer-managed KMS key: unset means ` +
                    `the AWS-managed aws/secretsmanager key, whose key policy you cannot restrict.`,
            );
        } else if (isAwsManagedSecretsKey(value)) {
            reportViolation(
                `kmsKeyId is ${show(value)}; set it to the network's customer-managed KMS key: ` +
                    `alias/aws/secretsmanager is AWS-managed and its key policy cannot be restricted.`,
            );
        }
    }),
};

/** Secrets keep a recovery window. */
export const secretRecoveryWindow: ResourceValidationPolicy = {
    name: "secretsmanager-recovery-window",
    description:
        "A Secrets Manager secret's recoveryWindowInDays (AWS default 30 when unset) must not be 0 " +
        "(immediate, unrecoverable deletion) and must be at least `minimumDays` (default 30; devnet " +
        "7), so a secret deleted by mistake can be restored.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    configSchema: minimumDaysSchema("Fewest days a deleted secret stays restorable."),
    validateResource: validateTypes([AWS.Secret], (args, reportViolation) => {
        const minimum = args.getConfig<MinimumDaysConfig>().minimumDays ?? 30;
        const value = args.props.recoveryWindowInDays;
        if (value === 0) {
            reportViolation(
                `recoveryWindowInDays is 0; remove it or set it to at least ${minimum}: 0 deletes the secret immediately, with no way to restore it.`,
            );
        } else if (typeof value === "number" && value < minimum) {
            reportViolation(
                `recoveryWindowInDays is ${value}; set it to at least ${minimum} (policy config minimumDays) so a secret deleted by mistake can be restored.`,
            );
        }
    }),
};
