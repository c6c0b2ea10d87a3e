/**
 * EncryptionKey: the network's customer-managed symmetric KMS key and its alias
 * (`alias/messaging-infra-<network>`). Secrets Manager entries, the backup bucket and the key
 * service encrypt with it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentArguments } from "../errors";
import { awsTags, Network, PROJECT } from "../network";
import {
    checkAccountId,
    checkDays,
    checkNetwork,
    checkOwner,
    checkTags,
    FIX_THE_CALLER,
    ProblemList,
} from "./arguments";
import { PolicyDocument } from "./policyDocument";

/** The AWS partitions an account root ARN can live in. */
export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

/** Arguments of {@link EncryptionKey}. */
export interface EncryptionKeyArgs {
    /** The network the key belongs to; it names the alias. */
    readonly network: Network;
    /** The owning team, for tags. */
    readonly owner: string;
    /** The AWS account (12 digits) whose root administers the key. */
    readonly accountId: string;
    /** The account's partition. Default `"aws"`. */
    readonly partition?: AwsPartition;
    /**
     * Days between `ScheduleKeyDeletion` and the key's destruction (7 to 30). Default 30, the
     * longest window; the platform passes 7 on devnet. Changing it updates the key in place.
     */
    readonly deletionWindowInDays?: number;
    /** The key's description. Default `"messaging-infra <network>: secrets, backups and key service"`. Updates in place. */
    readonly description?: string;
    /** Extra AWS tags; project, network and owner always win. Default none. Updates in place. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * `protect` the key, so no `pulumi up` or `destroy` can schedule its deletion (lost key = lost
     * data). Default true; only devnet passes false.
     */
    readonly protect?: boolean;
}

/** The alias of a network's key: `alias/messaging-infra-<network>`. */
export function keyAliasName(network: Network): string {
    return `alias/${PROJECT}-${network}`;
}

/** The key's default description. */
export function defaultKeyDescription(network: Network): string {
    return `${PROJECT} ${network}: secrets, backups and key service`;
}

/**
 * The key policy. The only principal is the account root, which delegates to IAM: with this
 * statement, IAM policies in the account decide who may use the key, so each IRSA role gets exactly
 * the operations its inline policy grants (see irsaRole.ts) and nothing here names a role. There is
 * no wildcard principal. `Resource: "*"` in a key policy means "this key".
 */
export function encryptionKeyPolicy(accountId: string, partition: AwsPartition = "aws"): PolicyDocument {
    const problems = new ProblemList();
    checkAccountId(problems, accountId, "accountId");
    problems.throwIfAny("arguments to the encryption key policy", FIX_THE_CALLER);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountRootAdministersKeyAndDelegatesToIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                // The whole kms namespace: a root without e.g. kms:PutKeyPolicy would lock the key.
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };
}

/** Validates {@link EncryptionKeyArgs}; throws every problem at once. */
export function checkEncryptionKeyArgs(args: EncryptionKeyArgs, name: string): void {
    const subject = componentArguments("messaging:aws:EncryptionKey", name);
    const problems = new ProblemList();
    checkNetwork(problems, args.network);
    checkOwner(problems, args.owner);
    checkAccountId(problems, args.accountId);
    if (args.partition !== undefined && !["aws", "aws-cn", "aws-us-gov"].includes(args.partition)) {
        problems.add("args.partition", args.partition, "one of aws, aws-cn, aws-us-gov");
    }
    if (args.deletionWindowInDays !== undefined)
        checkDays(problems, args.deletionWindowInDays, "args.deletionWindowInDays", 7, 30);
    if (
        args.description !== undefined &&
        (typeof args.description !== "string" || args.description.length === 0 || args.description.length > 8192)
    ) {
        problems.add("args.description", args.description, "a non-empty description of at most 8192 characters");
    }
    checkTags(problems, args.tags);
    problems.throwIfAny(subject, FIX_THE_CALLER);
}

/** The network's customer-managed KMS key and alias. */
export class EncryptionKey extends pulumi.ComponentResource {
    /** The key ARN (what secrets, buckets and IAM grants name). */
    public readonly arn: pulumi.Output<string>;
    /** The key id. */
    public readonly keyId: pulumi.Output<string>;
    /** `alias/messaging-infra-<network>`. */
    public readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        checkEncryptionKeyArgs(args, name);
        super("messaging:aws:EncryptionKey", name, {}, opts);
        const protect = args.protect ?? true;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: args.description ?? defaultKeyDescription(args.network),
                // Spec and usage force replacement (a new key cannot decrypt old data): fixed here,
                // never derived from an argument.
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                // Yearly automatic rotation (AWS's default period); old key material stays for decryption.
                enableKeyRotation: true,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                bypassPolicyLockoutSafetyCheck: false,
                policy: pulumi.jsonStringify(encryptionKeyPolicy(args.accountId, args.partition ?? "aws")),
                tags: awsTags(args, { ...args.tags, component: "encryption-key" }),
            },
            { parent: this, protect },
        );
        const alias = new aws.kms.Alias(
            `${name}-alias`,
            { name: keyAliasName(args.network), targetKeyId: key.keyId },
            { parent: this },
        );

        this.arn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ arn: this.arn, keyId: this.keyId, aliasName: this.aliasName });
    }
}
