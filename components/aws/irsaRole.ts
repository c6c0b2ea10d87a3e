/**
 * IrsaRole: the IAM role one Kubernetes service account assumes through the cluster's OIDC provider
 * (IAM Roles for Service Accounts), modelled on aws-cdk's `aws-eks` ServiceAccount: trust pinned to
 * the provider with exact `:sub` and `:aud`, and ONE least-privilege inline policy rendered from
 * typed grants that name every ARN (no `*` action, no `*` resource). No managed policies, no static
 * keys.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentArguments } from "../errors";
import { awsTags, Network, physicalName } from "../network";
import { DNS_LABEL_ALLOWED, DNS_SUBDOMAIN_ALLOWED, parseOidcProviderArn } from "../validators";
import {
    checkNetwork,
    checkOwner,
    checkTags,
    FIX_THE_CALLER,
    isDnsLabel,
    isDnsSubdomain,
    known,
    ProblemList,
} from "./arguments";
import {
    Grant,
    knownGrant,
    MaybeKnownGrant,
    grantProblems,
    renderPermissionsPolicy,
    ResolvedGrant,
} from "./irsaGrants";
import { PolicyDocument } from "./policyDocument";

export * from "./irsaGrants";

/** The audience EKS projects into service-account tokens for STS. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** The cluster facts the trust policy needs (a `ClusterIdentity` fits). */
export interface IrsaCluster {
    /** `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>` */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** The issuer without `https://`, e.g. `oidc.eks.<region>.amazonaws.com/id/<ID>`; must match the ARN. */
    readonly oidcIssuerHostPath: pulumi.Input<string>;
}

/** Arguments of {@link IrsaRole}. */
export interface IrsaRoleArgs {
    /** The network; it is part of the role name. */
    readonly network: Network;
    /** The owning team, for tags. */
    readonly owner: string;
    /** The cluster whose OIDC provider the role trusts. */
    readonly cluster: IrsaCluster;
    /** The service account's namespace (a DNS-1123 label). */
    readonly namespace: string;
    /**
     * The service account (a DNS-1123 subdomain) the role trusts, exactly. Part of the role name
     * (`messaging-infra-<network>-<sa>`, at most 64 characters), so it is the role's identity.
     */
    readonly serviceAccountName: string;
    /** What the role may do; at least one grant. Rendered into one inline policy, updated in place. */
    readonly grants: readonly Grant[];
    /** The role's description. Default `"IRSA role of <ns>/<sa> (messaging-infra <network>)"`. Updates in place. */
    readonly description?: string;
    /** Extra AWS tags; project, network and owner always win. Default none. Updates in place. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** IAM's limit on role names. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** The role's name: `messaging-infra-<network>-<serviceAccountName>`. */
export function irsaRoleName(network: Network, serviceAccountName: string): string {
    return physicalName(network, serviceAccountName);
}

/** The `:sub` a service account's token carries. */
export function serviceAccountSubject(namespace: string, serviceAccountName: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccountName}`;
}

// ---------------------------------------------------------------------------------------------
// Checks. Each takes values that may still be unknown (`undefined`: an Output resolved later) and
/** The trust facts of one role, as {@link renderTrustPolicy} takes them. */
export interface TrustSpec {
    oidcProviderArn: string;
    oidcIssuerHostPath: string;
    namespace: string;
    serviceAccountName: string;
}

/** Problems with the trust facts; unknown values (`undefined`) are skipped. */
export function trustProblems(
    problems: ProblemList,
    spec: Partial<TrustSpec>,
    paths = { cluster: "args.cluster", namespace: "args.namespace", serviceAccountName: "args.serviceAccountName" },
): void {
    if (spec.oidcProviderArn !== undefined) {
        const parsed = parseOidcProviderArn(spec.oidcProviderArn);
        if (!parsed) {
            problems.add(
                `${paths.cluster}.oidcProviderArn`,
                spec.oidcProviderArn,
                "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
            );
        } else if (spec.oidcIssuerHostPath !== undefined && spec.oidcIssuerHostPath !== parsed.issuerHostPath) {
            problems.add(
                `${paths.cluster}.oidcIssuerHostPath`,
                spec.oidcIssuerHostPath,
                `${parsed.issuerHostPath} (the issuer the OIDC provider ARN names, without https://)`,
            );
        }
    }
    if (
        spec.oidcIssuerHostPath !== undefined &&
        (spec.oidcIssuerHostPath.length === 0 || /^https?:\/\/|[*?\s]/.test(spec.oidcIssuerHostPath))
    ) {
        problems.add(
            `${paths.cluster}.oidcIssuerHostPath`,
            spec.oidcIssuerHostPath,
            "the issuer host and path without https:// or wildcards, e.g. oidc.eks.us-east-1.amazonaws.com/id/<ID>",
        );
    }
    if (!isDnsLabel(spec.namespace)) {
        problems.add(paths.namespace, spec.namespace, DNS_LABEL_ALLOWED);
    }
    if (!isDnsSubdomain(spec.serviceAccountName)) {
        problems.add(paths.serviceAccountName, spec.serviceAccountName, DNS_SUBDOMAIN_ALLOWED);
    }
}

/** Validates what {@link IrsaRoleArgs} holds now; Outputs are checked once resolved. */
export function checkIrsaRoleArgs(args: IrsaRoleArgs, name: string): void {
    const subject = componentArguments("messaging:aws:IrsaRole", name);
    const problems = new ProblemList();
    const networkOk = checkNetwork(problems, args.network);
    checkOwner(problems, args.owner);
    const cluster = args.cluster as IrsaCluster | undefined;
    if (cluster === undefined || cluster === null || typeof cluster !== "object") {
        problems.add(
            "args.cluster",
            cluster,
            "the cluster's {oidcProviderArn, oidcIssuerHostPath} (PlatformProviders.cluster)",
        );
    }
    trustProblems(problems, {
        oidcProviderArn: known(cluster?.oidcProviderArn),
        oidcIssuerHostPath: known(cluster?.oidcIssuerHostPath),
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
    });
    if (
        networkOk &&
        isDnsSubdomain(args.serviceAccountName) &&
        irsaRoleName(args.network, args.serviceAccountName).length > MAX_ROLE_NAME_LENGTH
    ) {
        const room = MAX_ROLE_NAME_LENGTH - irsaRoleName(args.network, "").length;
        problems.add(
            "args.serviceAccountName",
            args.serviceAccountName,
            `at most ${room} characters on ${args.network}, so the role name ${irsaRoleName(args.network, "<sa>")} fits IAM's ${MAX_ROLE_NAME_LENGTH}`,
        );
    }
    const grants = Array.isArray(args.grants)
        ? args.grants.map(knownGrant)
        : (args.grants as unknown as MaybeKnownGrant[] | undefined);
    grantProblems(problems, grants);
    if (
        args.description !== undefined &&
        (typeof args.description !== "string" || args.description.length === 0 || args.description.length > 1000)
    ) {
        problems.add("args.description", args.description, "a non-empty description of at most 1000 characters");
    }
    checkTags(problems, args.tags);
    problems.throwIfAny(subject, FIX_THE_CALLER);
}

// ---------------------------------------------------------------------------------------------
// Renderers: plain strings in, policy documents out.

/**
 * The trust policy: only the cluster's OIDC provider, only `sts:AssumeRoleWithWebIdentity`, and
 * only for a token whose `:sub` is exactly this service account and whose `:aud` is STS
 * (`StringEquals`, so no wildcard subject can match).
 */
export function renderTrustPolicy(spec: TrustSpec): PolicyDocument {
    const problems = new ProblemList();
    trustProblems(problems, spec, {
        cluster: "cluster",
        namespace: "namespace",
        serviceAccountName: "serviceAccountName",
    });
    problems.throwIfAny("arguments to the IRSA trust policy", FIX_THE_CALLER);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AssumeFromServiceAccountToken",
                Effect: "Allow",
                Principal: { Federated: spec.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${spec.oidcIssuerHostPath}:sub`]: serviceAccountSubject(
                            spec.namespace,
                            spec.serviceAccountName,
                        ),
                        [`${spec.oidcIssuerHostPath}:aud`]: STS_AUDIENCE,
                    },
                },
            },
        ],
    };
}

/** The default description. */
export function defaultRoleDescription(network: Network, namespace: string, serviceAccountName: string): string {
    return `IRSA role of ${namespace}/${serviceAccountName} (messaging-infra ${network})`;
}

/** The IAM role of one Kubernetes service account. */
export class IrsaRole extends pulumi.ComponentResource {
    /** The role ARN, for the service account's `eks.amazonaws.com/role-arn` annotation. */
    public readonly arn: pulumi.Output<string>;
    /** `messaging-infra-<network>-<serviceAccountName>`. */
    public readonly name: pulumi.Output<string>;
    /** The annotations the Kubernetes ServiceAccount carries: `{"eks.amazonaws.com/role-arn": arn}`. */
    public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /**
     * The service account the trust admits, exactly. A Workload bound to this role takes its
     * ServiceAccount's name from here, so the pair can never drift apart.
     */
    public readonly serviceAccount: { readonly namespace: string; readonly name: string };

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        checkIrsaRoleArgs(args, name);
        super("messaging:aws:IrsaRole", name, {}, opts);
        const { namespace, serviceAccountName } = args;
        this.serviceAccount = { namespace, name: serviceAccountName };

        const trustPolicy = pulumi
            .all([args.cluster.oidcProviderArn, args.cluster.oidcIssuerHostPath])
            .apply(([oidcProviderArn, oidcIssuerHostPath]) =>
                JSON.stringify(
                    renderTrustPolicy({ oidcProviderArn, oidcIssuerHostPath, namespace, serviceAccountName }),
                ),
            );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                // The name forces replacement; it derives only from network and service account (identity).
                name: irsaRoleName(args.network, serviceAccountName),
                description: args.description ?? defaultRoleDescription(args.network, namespace, serviceAccountName),
                assumeRolePolicy: trustPolicy,
                tags: awsTags(args, {
                    ...args.tags,
                    component: "irsa-role",
                    "kubernetes-service-account": `${namespace}.${serviceAccountName}`,
                }),
            },
            { parent: this },
        );

        // Every ARN inside the grants resolves before rendering; the renderer re-checks them.
        const resolvedGrants = pulumi.output(args.grants as Grant[]) as pulumi.Output<ResolvedGrant[]>;
        new aws.iam.RolePolicy(
            `${name}-permissions`,
            {
                name: "least-privilege",
                role: role.name,
                policy: resolvedGrants.apply((grants) => JSON.stringify(renderPermissionsPolicy(grants))),
            },
            { parent: this },
        );

        this.arn = role.arn;
        this.name = role.name;
        this.serviceAccountAnnotations = role.arn.apply((arn): Record<string, string> => ({
            "eks.amazonaws.com/role-arn": arn,
        }));
        this.registerOutputs({
            arn: this.arn,
            name: this.name,
            serviceAccountAnnotations: this.serviceAccountAnnotations,
        });
    }
}
