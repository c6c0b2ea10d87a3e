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
    checkNamedArn,
    checkNetwork,
    checkOwner,
    checkTags,
    FIX_THE_CALLER,
    isDnsLabel,
    isDnsSubdomain,
    known,
    ProblemList,
} from "./arguments";
import { PolicyDocument, PolicyStatement } from "./policyDocument";

/** The audience EKS projects into service-account tokens for STS. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** KMS operations a {@link UseKeyGrant} can allow, and the action each one is. */
export const KEY_OPERATIONS = {
    encrypt: "kms:Encrypt",
    decrypt: "kms:Decrypt",
    generateDataKey: "kms:GenerateDataKey",
    sign: "kms:Sign",
    describe: "kms:DescribeKey",
} as const;
/** One of {@link KEY_OPERATIONS}. */
export type KeyOperation = keyof typeof KEY_OPERATIONS;

/** Services a {@link UseKeyGrant} can be limited to (`kms:ViaService`). */
export type KeyViaService = "secretsmanager" | "s3";

/** Read named secrets: `secretsmanager:GetSecretValue` and `DescribeSecret` on exactly these ARNs. */
export interface ReadSecretsGrant<S = pulumi.Input<string>> {
    readonly kind: "readSecrets";
    /** The secrets' ARNs (e.g. `ManagedSecret.arn`); at least one. */
    readonly secretArns: readonly S[];
}

/**
 * Use one KMS key for the listed operations. Reading a secret or writing to a bucket encrypted with
 * the network key needs this too (`decrypt` via secretsmanager, `generateDataKey` via s3): grant it
 * explicitly, limited with `via`.
 */
export interface UseKeyGrant<S = pulumi.Input<string>> {
    readonly kind: "useKey";
    /** The key's ARN (e.g. `EncryptionKey.arn`). */
    readonly keyArn: S;
    /** The operations allowed; at least one. */
    readonly operations: readonly KeyOperation[];
    /** Only when the call comes through this service (`kms:ViaService`). Default: any caller path. */
    readonly via?: KeyViaService;
}

/** Put objects under one prefix (`s3:PutObject` on `<bucketArn>/<prefix>/*`); no read, no delete. */
export interface WriteObjectsGrant<S = pulumi.Input<string>> {
    readonly kind: "writeObjects";
    /** The bucket's ARN (e.g. `BackupBucket.arn`). */
    readonly bucketArn: S;
    /** Key prefix without leading or trailing '/', e.g. `backups` or `backups/object-store`. */
    readonly prefix: string;
}

/** Get objects under one prefix (`s3:GetObject` on `<bucketArn>/<prefix>/*`). */
export interface ReadObjectsGrant<S = pulumi.Input<string>> {
    readonly kind: "readObjects";
    readonly bucketArn: S;
    /** Key prefix without leading or trailing '/'. */
    readonly prefix: string;
}

/** List keys under one prefix (`s3:ListBucket` on the bucket, with an `s3:prefix` condition). */
export interface ListBucketGrant<S = pulumi.Input<string>> {
    readonly kind: "listBucket";
    readonly bucketArn: S;
    /** Key prefix without leading or trailing '/'. */
    readonly prefix: string;
}

/** One permission of an {@link IrsaRole}. `S` is how ARNs are given: Inputs, or plain strings once resolved. */
export type Grant<S = pulumi.Input<string>> =
    ReadSecretsGrant<S> | UseKeyGrant<S> | WriteObjectsGrant<S> | ReadObjectsGrant<S> | ListBucketGrant<S>;

/** A grant with every ARN resolved to a plain string, as {@link renderPermissionsPolicy} takes it. */
export type ResolvedGrant = Grant<string>;

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
// checks what it can, so the constructor reports every problem it can see before registering
// anything, and the renderers re-check the resolved values.

const PREFIX = /^[A-Za-z0-9!_.'()-]+(?:\/[A-Za-z0-9!_.'()-]+)*$/;

function checkPrefix(problems: ProblemList, prefix: unknown, path: string): void {
    const valid =
        typeof prefix === "string" &&
        prefix.length <= 512 &&
        PREFIX.test(prefix) &&
        !prefix.split("/").some((segment) => segment === "." || segment === "..");
    if (!valid)
        problems.add(
            path,
            prefix,
            "an S3 key prefix without leading or trailing '/', wildcards or '..' segments, e.g. backups or backups/object-store",
        );
}

type MaybeKnownGrant = Grant<string | undefined>;

/** Problems with a grant list; unknown ARNs (`undefined`) are skipped. */
export function grantProblems(
    problems: ProblemList,
    grants: readonly MaybeKnownGrant[] | undefined,
    path = "args.grants",
): void {
    if (!Array.isArray(grants) || grants.length === 0) {
        problems.add(
            path,
            grants,
            "at least one grant: a role without permissions has no reason to exist (e.g. [{kind: readSecrets, secretArns: [<secret ARN>]}])",
        );
        return;
    }
    const kinds = "a grant of kind readSecrets, useKey, writeObjects, readObjects or listBucket";
    grants.forEach((grant: MaybeKnownGrant, i) => {
        const at = `${path}[${i}]`;
        if (grant === null || typeof grant !== "object") {
            problems.add(at, grant, kinds);
            return;
        }
        switch (grant.kind) {
            case "readSecrets":
                if (!Array.isArray(grant.secretArns) || grant.secretArns.length === 0) {
                    problems.add(`${at}.secretArns`, grant.secretArns, "at least one secret ARN (ManagedSecret.arn)");
                    return;
                }
                grant.secretArns.forEach((arn, j) => {
                    if (arn !== undefined)
                        checkNamedArn(
                            problems,
                            arn,
                            `${at}.secretArns[${j}]`,
                            "secretsmanager",
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:<name>-AbCdEf",
                        );
                });
                return;
            case "useKey": {
                if (grant.keyArn !== undefined)
                    checkNamedArn(
                        problems,
                        grant.keyArn,
                        `${at}.keyArn`,
                        "kms",
                        "arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                    );
                const operations = Object.keys(KEY_OPERATIONS).join(", ");
                if (!Array.isArray(grant.operations) || grant.operations.length === 0) {
                    problems.add(`${at}.operations`, grant.operations, `at least one of ${operations}`);
                } else {
                    grant.operations.forEach((op, j) => {
                        if (!Object.hasOwn(KEY_OPERATIONS, op))
                            problems.add(`${at}.operations[${j}]`, op, `one of ${operations}`);
                    });
                }
                if (grant.via !== undefined && grant.via !== "secretsmanager" && grant.via !== "s3")
                    problems.add(`${at}.via`, grant.via, "secretsmanager, s3, or nothing");
                return;
            }
            case "writeObjects":
            case "readObjects":
            case "listBucket":
                if (grant.bucketArn !== undefined)
                    checkNamedArn(
                        problems,
                        grant.bucketArn,
                        `${at}.bucketArn`,
                        "s3",
                        "arn:aws:s3:::messaging-infra-devnet-backups-123456789012 (BackupBucket.arn)",
                    );
                if (
                    typeof grant.bucketArn === "string" &&
                    grant.bucketArn.startsWith("arn:") &&
                    grant.bucketArn.includes("/")
                ) {
                    problems.add(
                        `${at}.bucketArn`,
                        grant.bucketArn,
                        "a bucket ARN (arn:aws:s3:::<bucket>), not an object ARN; the prefix goes in prefix",
                    );
                }
                checkPrefix(problems, grant.prefix, `${at}.prefix`);
                return;
            default:
                problems.add(`${at}.kind`, (grant as { kind?: unknown }).kind, kinds);
        }
    });
}

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

function knownGrant(grant: Grant): MaybeKnownGrant {
    if (grant === null || typeof grant !== "object") return grant;
    switch (grant.kind) {
        case "readSecrets":
            return {
                ...grant,
                secretArns: Array.isArray(grant.secretArns) ? grant.secretArns.map(known) : (grant.secretArns as []),
            };
        case "useKey":
            return { ...grant, keyArn: known(grant.keyArn) };
        default:
            return { ...grant, bucketArn: known(grant.bucketArn) } as MaybeKnownGrant;
    }
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

const SID_BASE: Record<Grant["kind"], string> = {
    readSecrets: "ReadSecrets",
    useKey: "UseKey",
    writeObjects: "WriteObjects",
    readObjects: "ReadObjects",
    listBucket: "ListBucket",
};

function one<T>(values: T[]): T | T[] {
    return values.length === 1 ? values[0] : values;
}

function grantStatement(grant: ResolvedGrant): Omit<PolicyStatement, "Sid"> {
    switch (grant.kind) {
        case "readSecrets":
            return {
                Effect: "Allow",
                Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                Resource: one([...new Set(grant.secretArns)].sort()),
            };
        case "useKey":
            return {
                Effect: "Allow",
                Action: one([...new Set(grant.operations.map((op) => KEY_OPERATIONS[op]))].sort()),
                Resource: grant.keyArn,
                ...(grant.via
                    ? { Condition: { StringLike: { "kms:ViaService": `${grant.via}.*.amazonaws.com` } } }
                    : {}),
            };
        case "writeObjects":
            // PutObject also covers multipart uploads; nothing to read back or delete.
            return { Effect: "Allow", Action: "s3:PutObject", Resource: `${grant.bucketArn}/${grant.prefix}/*` };
        case "readObjects":
            return { Effect: "Allow", Action: "s3:GetObject", Resource: `${grant.bucketArn}/${grant.prefix}/*` };
        case "listBucket":
            // Without a prefix parameter, or with another prefix, the condition fails: no listing.
            return {
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: grant.bucketArn,
                Condition: { StringLike: { "s3:prefix": `${grant.prefix}/*` } },
            };
    }
}

/**
 * The role's one inline policy: a statement per grant, each with a Sid (`ReadSecrets`, `UseKey`, ...,
 * numbered when a kind repeats), naming only the grant's own ARNs. Throws {@link ArgumentsError}
 * listing every bad grant.
 */
export function renderPermissionsPolicy(grants: readonly ResolvedGrant[]): PolicyDocument {
    const problems = new ProblemList();
    grantProblems(problems, grants, "grants");
    problems.throwIfAny("arguments to the IRSA permissions policy", FIX_THE_CALLER);
    const counts = new Map<string, number>();
    for (const grant of grants) counts.set(grant.kind, (counts.get(grant.kind) ?? 0) + 1);
    const seen = new Map<string, number>();
    const statements = grants.map((grant) => {
        const n = (seen.get(grant.kind) ?? 0) + 1;
        seen.set(grant.kind, n);
        const sid = (counts.get(grant.kind) ?? 0) > 1 ? `${SID_BASE[grant.kind]}${n}` : SID_BASE[grant.kind];
        return { Sid: sid, ...grantStatement(grant) };
    });
    return { Version: "2012-10-17", Statement: statements };
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
