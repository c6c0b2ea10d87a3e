/**
 * The IAM policy document shape the renderers in this folder produce: plain data, so tests compare
 * whole documents and the IAM simulator evaluates exactly what AWS receives.
 */

/** An IAM policy document (identity, resource, trust or key policy). */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** A condition block: operator -> context key -> value(s). */
export type PolicyConditions = Record<string, Record<string, string | string[]>>;

/** One statement of a {@link PolicyDocument}; every statement carries a Sid. */
export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: { AWS: string } | { Federated: string } | "*";
    Action: string | string[];
    Resource?: string | string[];
    Condition?: PolicyConditions;
}
