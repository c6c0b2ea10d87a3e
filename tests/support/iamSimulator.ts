/**
 * A thin test-side wrapper over `@cloud-copilot/iam-simulate` (AGPL-3.0: imported only from tests,
 * never from the program or the policy pack). It answers "does AWS allow this request under these
 * policies?" for the documents the AWS building blocks render.
 *
 * Two entry points:
 * - {@link simulate}: identity policy (+ optional resource policy such as a bucket policy) for a
 *   request by a role in {@link ACCOUNT}. Runs the validating simulator: invalid policies, unknown
 *   actions, resources of the wrong type and context keys the action does not support all fail the
 *   test instead of silently evaluating to "denied".
 * - {@link simulateWebIdentity}: a role trust policy for `sts:AssumeRoleWithWebIdentity` from an
 *   OIDC provider. The simulator's action data does not list the per-issuer EKS keys
 *   (`<issuer>:sub`, `<issuer>:aud`), so its validating entry point would drop them from the
 *   request; the trust policy is validated with it, then evaluated with the unvalidated entry point
 *   that keeps every context key.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/aws/policyDocument";

/** The account every simulated principal and resource lives in. */
export const ACCOUNT = "123456789012";

/** A role in {@link ACCOUNT} making the simulated requests. */
export const CALLER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/messaging-infra-devnet-caller`;

/** The simulator's verdict. */
export type Verdict = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** One request to simulate. */
export interface SimulatedRequest {
    /** e.g. `s3:PutObject`. */
    action: string;
    /** The resource ARN, e.g. `arn:aws:s3:::bucket/backups/x`. */
    resource: string;
    /** Request context keys, e.g. `{ "aws:SecureTransport": "true" }`. */
    context?: Record<string, string | string[]>;
    /** Who asks. Default {@link CALLER_ROLE_ARN}. */
    principal?: string;
}

function baseSimulation(principal: string, request: SimulatedRequest, accountId = ACCOUNT): Simulation {
    return {
        request: {
            principal,
            action: request.action,
            resource: { resource: request.resource, accountId },
            contextVariables: request.context ?? {},
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
    };
}

/**
 * Simulates `request` made by a role (default {@link CALLER_ROLE_ARN}) whose only identity policy is `identityPolicy`,
 * against an optional resource policy. Throws when the simulator rejects the input or ignores a
 * context key the test supplied (either would make a "denied" verdict meaningless).
 */
export async function simulate(
    identityPolicy: PolicyDocument,
    request: SimulatedRequest,
    resourcePolicy?: PolicyDocument,
): Promise<Verdict> {
    const simulation = baseSimulation(request.principal ?? CALLER_ROLE_ARN, request);
    simulation.identityPolicies = [{ name: "inline", policy: identityPolicy }];
    if (resourcePolicy) simulation.resourcePolicy = resourcePolicy;
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error")
        throw new Error(
            `simulation of ${request.action} on ${request.resource} failed: ${JSON.stringify(result.errors)}`,
        );
    const ignored =
        result.resultType === "single"
            ? (result.result.ignoredContextKeys ?? [])
            : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    if (ignored.length > 0)
        throw new Error(
            `the simulator ignored context keys ${ignored.join(", ")} for ${request.action}: the test would not test them`,
        );
    return result.overallResult;
}

/** The token claims and provider of one `AssumeRoleWithWebIdentity` call. */
export interface WebIdentityRequest {
    /** The OIDC provider the token comes from (the request's federated principal). */
    providerArn: string;
    /** The issuer host/path the claims' context keys are named after. */
    issuerHostPath: string;
    /** The role being assumed. */
    roleArn: string;
    /** The token's `sub` claim; omitted claims are absent from the request context. */
    sub?: string;
    /** The token's `aud` claim. */
    aud?: string;
}

/** Simulates `sts:AssumeRoleWithWebIdentity` against a role's trust policy. */
export async function simulateWebIdentity(trustPolicy: PolicyDocument, request: WebIdentityRequest): Promise<Verdict> {
    const context: Record<string, string> = {};
    if (request.sub !== undefined) context[`${request.issuerHostPath}:sub`] = request.sub;
    if (request.aud !== undefined) context[`${request.issuerHostPath}:aud`] = request.aud;
    const roleAccount = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\//.exec(request.roleArn)?.[1];
    if (!roleAccount) throw new Error(`not a role ARN: ${request.roleArn}`);
    const simulation = baseSimulation(
        request.providerArn,
        { action: "sts:AssumeRoleWithWebIdentity", resource: request.roleArn, context },
        roleAccount,
    );
    // Validate the trust policy (and the request shape) with the validating entry point.
    const validated = await runSimulation({ ...simulation, resourcePolicy: trustPolicy }, {});
    if (validated.resultType === "error")
        throw new Error(`invalid trust policy or request: ${JSON.stringify(validated.errors)}`);
    // The unvalidated entry point loads the resource policy without a name unless it is handed an
    // already-validated policy (`@cloud-copilot/iam-policy`'s ValidatedPolicy shape), so wrap it.
    const resourcePolicy = {
        __validated: true,
        policyDocument: trustPolicy,
        metadata: { name: "trust-policy" },
        errors: [],
    };
    return runUnsafeSimulation({ ...simulation, resourcePolicy }, {});
}
