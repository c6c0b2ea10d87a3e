/**
 * What the aws rules share: their tags and the config shape of the two recovery-window rules.
 */

/** The tags of every aws rule. */
export const tags = ["security", "aws"];

/** Config of the two recovery-window rules. */
export interface MinimumDaysConfig {
    minimumDays: number;
}
