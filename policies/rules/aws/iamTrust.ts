/**
 * IAM trust: IRSA trusts (EKS OIDC issuers) pinned to one service account and to STS, and no
 * wildcard principals. Other OIDC issuers (GitHub Actions, ...) are federatedTrust.ts's.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    actionMatches,
    parsePolicyDocument,
    Statement,
    statementLabel,
    wildcardPrincipalProblems,
} from "../iamDocument";
import { AWS, defaultEnforcement, show, validateTypes } from "../util";
import { tags } from "./common";

/**
 * The issuer (`oidc.eks.<region>.amazonaws.com/id/<ID>`, `token.actions.githubusercontent.com`,
 * ...) of an OIDC provider ARN, or undefined.
 */
export function oidcIssuer(principal: string): string | undefined {
    const marker = ":oidc-provider/";
    const at = principal.indexOf(marker);
    return at < 0 ? undefined : principal.slice(at + marker.length);
}

const EKS_ISSUER = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/;

/** Whether an issuer is an EKS cluster's (`oidc.eks.<region>.amazonaws.com/id/<ID>`): its tokens are IRSA tokens. */
export function isEksIssuer(issuer: string): boolean {
    return EKS_ISSUER.test(issuer);
}

/**
 * Whether a web-identity statement trusting `issuer` is an IRSA trust: the issuer is an EKS
 * cluster's, or the statement's `<issuer>:sub` names a Kubernetes service account (a cluster with
 * its own OIDC issuer and the pod identity webhook), so the service-account rules apply to it.
 */
export function isIrsaTrust(issuer: string, st: Statement): boolean {
    if (isEksIssuer(issuer)) return true;
    const subKey = `${issuer}:sub`.toLowerCase();
    return Object.values(st.conditions).some((keys) =>
        Object.entries(keys).some(
            ([key, values]) =>
                key.toLowerCase() === subKey && values.some((v) => v.startsWith("system:serviceaccount:")),
        ),
    );
}

/** Whether a statement allows sts:AssumeRoleWithWebIdentity (directly or through a pattern). */
export function allowsWebIdentity(st: Statement): boolean {
    return st.effect === "Allow" && st.actions.some((a) => actionMatches(a, "sts:AssumeRoleWithWebIdentity"));
}

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Messages for every web-identity statement of a trust policy that is an IRSA trust
 * ({@link isIrsaTrust}) and is not pinned to one service account and STS.
 */
export function oidcTrustProblems(document: unknown): string[] {
    const parsed = parsePolicyDocument(document);
    if (parsed.error) return [`assumeRolePolicy ${parsed.error}; write it as an IAM policy document.`];
    const messages: string[] = [];
    for (const st of parsed.statements) {
        if (!allowsWebIdentity(st)) continue;
        for (const provider of st.principals?.Federated ?? []) {
            const issuer = oidcIssuer(provider);
            if (!issuer || !isIrsaTrust(issuer, st)) continue;
            const at = `assumeRolePolicy ${statementLabel(st)}.Condition`;
            const subKey = `${issuer}:sub`;
            const audKey = `${issuer}:aud`;
            const pinFix =
                `pin it with StringEquals to exactly one "system:serviceaccount:<namespace>:<name>" (no ` +
                `wildcards) so only that service account can assume the role.`;
            for (const [operator, keys] of Object.entries(st.conditions)) {
                if (operator !== "StringEquals" && keys[subKey] !== undefined) {
                    messages.push(
                        `${at}.${operator}[${JSON.stringify(subKey)}] is ${show(keys[subKey])}; use StringEquals ` +
                            `with exactly one "system:serviceaccount:<namespace>:<name>" instead: ${operator} can admit ` +
                            `other service accounts.`,
                    );
                }
            }
            const sub = st.conditions.StringEquals?.[subKey];
            if (sub === undefined) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is unset; ${pinFix}`);
            } else if (sub.length !== 1) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is ${show(sub)}; ${pinFix}`);
            } else if (!SERVICE_ACCOUNT_SUBJECT.test(sub[0])) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is ${show(sub[0])}; ${pinFix}`);
            }
            const aud = st.conditions.StringEquals?.[audKey];
            if (aud === undefined || aud.length !== 1 || aud[0] !== "sts.amazonaws.com") {
                messages.push(
                    `${at}.StringEquals[${JSON.stringify(audKey)}] is ` +
                        `${aud === undefined ? "unset" : show(aud.length === 1 ? aud[0] : aud)}; set it to ` +
                        `"sts.amazonaws.com" so tokens issued for any other audience cannot be exchanged for this ` +
                        `role.`,
                );
            }
        }
    }
    return messages;
}

/** IRSA trusts are pinned to one service account and to STS. */
export const iamOidcTrustPinned: ResourceValidationPolicy = {
    name: "iam-oidc-trust-pinned",
    description:
        "A role trust that allows sts:AssumeRoleWithWebIdentity to the Federated oidc-provider of an " +
        "EKS cluster (issuer oidc.eks.<region>.amazonaws.com/id/<ID>), or of any issuer whose :sub it " +
        "matches against system:serviceaccount:..., must pin <issuer>:sub with StringEquals to exactly one " +
        "system:serviceaccount:<namespace>:<name> (no wildcards, no StringLike) and <issuer>:aud to " +
        "sts.amazonaws.com, so exactly one Kubernetes service account can assume the role. Other " +
        "OIDC issuers are iam-oidc-federated-trust-pinned's.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Role], (args, reportViolation) => {
        oidcTrustProblems(args.props.assumeRolePolicy).forEach((m) => reportViolation(m));
    }),
};

/** Role trusts name their principals. */
export const iamTrustNoWildcardPrincipal: ResourceValidationPolicy = {
    name: "iam-trust-no-wildcard-principal",
    description:
        'No Allow statement of a role\'s trust policy may have Principal "*" / {"AWS": "*"} or use ' +
        "NotPrincipal, because that lets any AWS account assume the role.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Role], (args, reportViolation) => {
        if (args.props.assumeRolePolicy === undefined) return;
        wildcardPrincipalProblems(
            "assumeRolePolicy",
            args.props.assumeRolePolicy,
            "name the exact principal (the cluster's OIDC provider, a role ARN or a service): a wildcard lets any AWS account assume the role.",
        ).forEach((m) => reportViolation(m));
    }),
};
