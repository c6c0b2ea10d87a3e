/**
 * The permissions of an IRSA role as typed grants, their checks and the renderer of the role's one
 * least-privilege inline policy (a statement per grant, naming only the grant's own ARNs; no `*`
 * action, no `*` resource).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkNamedArn, FIX_THE_CALLER, known, ProblemList } from "./arguments";
import { PolicyDocument, PolicyStatement } from "./policyDocument";

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

/** A grant whose ARNs may still be unknown (`undefined`: an Output resolved later). */
export type MaybeKnownGrant = Grant<string | undefined>;

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

/** A grant with the ARNs known now, the others `undefined`, for the checks before anything registers. */
export function knownGrant(grant: Grant): MaybeKnownGrant {
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
