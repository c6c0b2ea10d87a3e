/**
 * What the aws rules share: their tags, and the config of the two recovery-window rules.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The tags of every aws rule. */
export const tags = ["security", "aws"];

/** Config of the two recovery-window rules. */
export interface MinimumDaysConfig {
    minimumDays: number;
}

/** The config schema of a recovery-window rule: `minimumDays`, 7 to 30, default 30. */
export function minimumDaysSchema(description: string): PolicyConfigSchema {
    return {
        properties: {
            minimumDays: { type: "integer", minimum: 7, maximum: 30, default: 30, description },
        },
    };
}
