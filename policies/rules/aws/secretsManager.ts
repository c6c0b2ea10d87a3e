/**
 * Secrets Manager: entries encrypted under a customer-managed key, with a recovery window, and
 * rotations that come round often enough.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, AWS, defaultEnforcement, show, validateTypes } from "../util";
import { MinimumDaysConfig, minimumDaysSchema, tags } from "./common";
import { formatHours, scheduleGap } from "./rotationSchedule";

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

/** Config of `secretsmanager-rotation-interval`. */
export interface MaximumDaysConfig {
    maximumDays: number;
}

/** The messages of one SecretRotation's props against a maximum interval in days. */
export function rotationIntervalProblems(props: Record<string, unknown>, maximumDays: number): string[] {
    const why = `so a leaked value stops working within ${maximumDays} days`;
    const limit = `at most ${maximumDays} days (policy config maximumDays)`;
    if (props.rotationEnabled === false) {
        return [
            `rotationEnabled is false; remove it and set rotationRules.scheduleExpression (e.g. "rate(30 days)") ` +
                `to rotate the secret ${limit}: without rotation a leaked value stays valid until someone notices.`,
        ];
    }
    const rules = asRecord(props.rotationRules) ?? {};
    const days = rules.automaticallyAfterDays;
    const expression = rules.scheduleExpression;
    const messages: string[] = [];
    if (days === undefined || days === null) {
        // only the schedule, below, sets the interval
    } else if (typeof days !== "number" || !Number.isInteger(days) || days < 1) {
        messages.push(
            `rotationRules.automaticallyAfterDays is ${show(days)}, which is not a whole number of days; set it ` +
                `to a number of days, ${limit}.`,
        );
    } else if (days > maximumDays) {
        messages.push(`rotationRules.automaticallyAfterDays is ${days}; set it to ${limit} ${why}.`);
    }
    if (expression === undefined || expression === null) {
        if (days === undefined || days === null) {
            const duration =
                rules.duration === undefined || rules.duration === null
                    ? ""
                    : ` (duration ${show(rules.duration)} is only the length of the rotation window)`;
            messages.push(
                `rotationRules sets neither scheduleExpression nor automaticallyAfterDays${duration}; set ` +
                    `scheduleExpression (e.g. "rate(30 days)") to rotate the secret ${limit} ${why}.`,
            );
        }
    } else if (typeof expression !== "string") {
        messages.push(
            `rotationRules.scheduleExpression is ${show(expression)}, not a string; write "rate(<n> days)", ` +
                `"rate(<n> hours)" or "cron(0 <hours> <day-of-month> <month> <day-of-week> *)", ${limit}.`,
        );
    } else {
        const gap = scheduleGap(expression);
        if (gap.error !== undefined) {
            messages.push(
                `rotationRules.scheduleExpression is ${show(expression)}, which is not a Secrets Manager schedule ` +
                    `(${gap.error}); write "rate(<n> days)", "rate(<n> hours)" or "cron(0 <hours> <day-of-month> ` +
                    `<month> <day-of-week> *)" with ? in one of the day fields, ${limit}.`,
            );
        } else if (gap.hours > maximumDays * 24) {
            messages.push(
                `rotationRules.scheduleExpression is ${show(expression)}, which leaves up to ` +
                    `${formatHours(gap.hours)} between rotations; rotate ${limit}, e.g. "rate(30 days)", ${why}.`,
            );
        }
    }
    return messages;
}

/** Secret rotations come round within the maximum interval. */
export const secretRotationInterval: ResourceValidationPolicy = {
    name: "secretsmanager-rotation-interval",
    description:
        "A Secrets Manager SecretRotation must rotate at least every `maximumDays` (default 90): " +
        "rotationRules.automaticallyAfterDays, or the longest gap its scheduleExpression leaves " +
        "(rate(<n> hours|days), or an AWS cron(minutes hours day-of-month month day-of-week year) " +
        "walked over the calendar), must not exceed it. A rotation with rotationEnabled: false, with " +
        "neither field (duration is only the rotation window), or with an expression Secrets Manager " +
        "would reject also fails.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    configSchema: {
        properties: {
            maximumDays: {
                type: "integer",
                minimum: 1,
                maximum: 1000,
                default: 90,
                description: "Most days a rotated secret may go between two rotations.",
            },
        },
    },
    validateResource: validateTypes([AWS.SecretRotation], (args, reportViolation) => {
        const maximum = args.getConfig<MaximumDaysConfig>().maximumDays ?? 90;
        rotationIntervalProblems(args.props, maximum).forEach((m) => reportViolation(m));
    }),
};
