/**
 * ManagedSecret: one Secrets Manager entry (`messaging-infra/<network>/<purpose>`), encrypted with
 * the network key, holding either a value generated with `@pulumi/random` or a value only an
 * operator knows (an Output from `config.requireSecret`, handed in by the caller; the block never
 * reads config). The value stays a Pulumi secret end to end and is exposed as {@link ManagedSecret.value}
 * for the Kubernetes side.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentArguments } from "../errors";
import * as random from "@pulumi/random";
import { awsTags, Network, otherNetworkNamed, PROJECT } from "../network";
import {
    checkDays,
    checkNamedArn,
    checkNetwork,
    checkOwner,
    checkTags,
    FIX_THE_CALLER,
    known,
    ProblemList,
} from "./arguments";

/** A random password (`random.RandomPassword`). */
export interface GeneratedPassword {
    readonly kind: "password";
    /** Characters, 16 to 1024. */
    readonly length: number;
    /** Include special characters. Default true. */
    readonly special?: boolean;
    /** The special characters to draw from (e.g. URL-safe ones). Default: the random provider's set. */
    readonly overrideSpecial?: string;
}

/** Random bytes (`random.RandomBytes`), stored hex- or base64-encoded. */
export interface GeneratedBytes {
    readonly kind: "bytes";
    /** Bytes, 16 to 1024. */
    readonly length: number;
    /** How the bytes are stored. */
    readonly encoding: "hex" | "base64";
}

/**
 * A JSON array of `count` independent 32-byte keys, hex-encoded (e.g. relay operator keys). Each key
 * is one `random.RandomBytes` named `<name>-key-<i>`: the position is the key's identity, so raising
 * `count` adds keys without touching existing ones, and lowering it removes the last ones (which
 * `protect` blocks on protected networks).
 */
export interface GeneratedKeyList {
    readonly kind: "keyList";
    /** Number of keys, 1 to 64. */
    readonly count: number;
}

/** A value only an operator knows: `new pulumi.Config().requireSecret(...)`, passed in by the caller. */
export interface OperatorSuppliedValue {
    readonly kind: "operator";
    /** The secret Output; never a literal. */
    readonly value: pulumi.Output<string>;
}

/** Where a {@link ManagedSecret}'s value comes from. */
export type SecretValueSource = GeneratedPassword | GeneratedBytes | GeneratedKeyList | OperatorSuppliedValue;

/** Arguments of {@link ManagedSecret}. */
export interface ManagedSecretArgs {
    /** The network the secret belongs to; it is part of the secret's name. */
    readonly network: Network;
    /** The owning team, for tags. */
    readonly owner: string;
    /**
     * What the secret is for, in kebab-case path segments (`relay-operator-keys`, `kms-service/master-key`).
     * Part of the name (`messaging-infra/<network>/<purpose>`), so it is the secret's identity: renaming
     * replaces the secret.
     */
    readonly purpose: string;
    /** ARN of the network's KMS key (e.g. `EncryptionKey.arn`). Changing it re-encrypts in place. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Where the value comes from. */
    readonly value: SecretValueSource;
    /** Days a deleted secret stays recoverable (7 to 30). Default 30; the platform passes 7 on devnet. Updates in place. */
    readonly recoveryWindowInDays?: number;
    /** The secret's description. Default `"<purpose> of messaging-infra <network>"`. Updates in place. */
    readonly description?: string;
    /** Extra AWS tags; project, network and owner always win. Default none. Updates in place. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * `protect` the secret, its generator(s) and a generated value's version, so neither `up` nor
     * `destroy` can delete or regenerate them. Default true; only devnet passes false.
     */
    readonly protect?: boolean;
}

const PURPOSE = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)*$/;

/** The secret's name: `messaging-infra/<network>/<purpose>`. */
export function secretName(network: Network, purpose: string): string {
    return `${PROJECT}/${network}/${purpose}`;
}

/** The default description. */
export function defaultSecretDescription(network: Network, purpose: string): string {
    return `${purpose} of ${PROJECT} ${network}`;
}

/**
 * Renders a key list as the secret stores it and the relay reads it: a JSON array of `0x`-prefixed
 * hex private keys (32 random bytes each).
 */
export function renderKeyList(keys: readonly string[]): string {
    return JSON.stringify(keys.map((key) => `0x${key}`));
}

/** Validates {@link ManagedSecretArgs}; throws every problem at once. */
export function checkManagedSecretArgs(args: ManagedSecretArgs, name: string): void {
    const subject = componentArguments("messaging:aws:ManagedSecret", name);
    const problems = new ProblemList();
    checkNetwork(problems, args.network);
    checkOwner(problems, args.owner);
    if (typeof args.purpose !== "string" || !PURPOSE.test(args.purpose) || args.purpose.length > 200) {
        problems.add(
            "args.purpose",
            args.purpose,
            "kebab-case path segments of at most 200 characters, e.g. relay-operator-keys or kms-service/master-key",
        );
    } else if (/-[A-Za-z0-9]{6}$/.test(args.purpose)) {
        // Secrets Manager appends "-" and six random characters to ARNs; a name ending the same way
        // makes partial-ARN lookups ambiguous.
        problems.add(
            "args.purpose",
            args.purpose,
            "a purpose that does not end with '-' and six characters (Secrets Manager reads that as an ARN suffix), e.g. master-key instead of kms-master",
        );
    } else if (typeof args.network === "string" && otherNetworkNamed(args.purpose, args.network) !== undefined) {
        problems.add(
            "args.purpose",
            args.purpose,
            `a purpose that names no other network than ${args.network} (the name already carries the network)`,
        );
    }
    const kmsKeyArn = known(args.kmsKeyArn);
    if (kmsKeyArn !== undefined || args.kmsKeyArn === undefined) {
        checkNamedArn(
            problems,
            kmsKeyArn,
            "args.kmsKeyArn",
            "kms",
            "arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
        );
    }
    checkValueSource(problems, args.value);
    if (args.recoveryWindowInDays !== undefined)
        checkDays(problems, args.recoveryWindowInDays, "args.recoveryWindowInDays", 7, 30);
    if (
        args.description !== undefined &&
        (typeof args.description !== "string" || args.description.length === 0 || args.description.length > 2048)
    ) {
        problems.add("args.description", args.description, "a non-empty description of at most 2048 characters");
    }
    checkTags(problems, args.tags);
    problems.throwIfAny(subject, FIX_THE_CALLER);
}

function checkValueSource(problems: ProblemList, value: SecretValueSource | undefined): void {
    const kinds =
        "one of {kind: password, length}, {kind: bytes, length, encoding}, {kind: keyList, count}, {kind: operator, value: <config.requireSecret Output>}";
    if (value === undefined || value === null || typeof value !== "object") {
        problems.add("args.value", value, kinds);
        return;
    }
    const isLength = (n: unknown, min: number, max: number) =>
        typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
    switch (value.kind) {
        case "password":
            if (!isLength(value.length, 16, 1024))
                problems.add("args.value.length", value.length, "an integer from 16 to 1024 (characters)");
            if (value.special !== undefined && typeof value.special !== "boolean")
                problems.add("args.value.special", value.special, "true or false");
            if (
                value.overrideSpecial !== undefined &&
                (typeof value.overrideSpecial !== "string" ||
                    value.overrideSpecial.length === 0 ||
                    /[\sA-Za-z0-9]/.test(value.overrideSpecial))
            ) {
                problems.add(
                    "args.value.overrideSpecial",
                    value.overrideSpecial,
                    "a non-empty set of special characters (no letters, digits or spaces), e.g. -_.~",
                );
            }
            if (value.special === false && value.overrideSpecial !== undefined) {
                problems.add("args.value.overrideSpecial", value.overrideSpecial, "nothing when special is false");
            }
            return;
        case "bytes":
            if (!isLength(value.length, 16, 1024))
                problems.add("args.value.length", value.length, "an integer from 16 to 1024 (bytes)");
            if (value.encoding !== "hex" && value.encoding !== "base64")
                problems.add("args.value.encoding", value.encoding, "hex or base64");
            return;
        case "keyList":
            if (!isLength(value.count, 1, 64))
                problems.add("args.value.count", value.count, "an integer from 1 to 64 (keys)");
            return;
        case "operator":
            if (!pulumi.Output.isInstance(value.value)) {
                problems.add(
                    "args.value.value",
                    typeof value.value === "string" ? "[a plain string]" : value.value,
                    "a pulumi.Output<string> from config.requireSecret (a credential is never a literal in code)",
                );
            }
            return;
        default:
            problems.add("args.value.kind", (value as { kind?: unknown }).kind, kinds);
    }
}

/** A Secrets Manager secret with a generated or operator-supplied value. */
export class ManagedSecret extends pulumi.ComponentResource {
    /** The secret's ARN (what IRSA `readSecrets` grants name). */
    public readonly arn: pulumi.Output<string>;
    /** `messaging-infra/<network>/<purpose>`. */
    public readonly name: pulumi.Output<string>;
    /** The value, always a Pulumi secret, for Kubernetes Secrets. */
    public readonly value: pulumi.Output<string>;

    constructor(name: string, args: ManagedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        checkManagedSecretArgs(args, name);
        super("messaging:aws:ManagedSecret", name, {}, opts);
        const protect = args.protect ?? true;
        // Generators hold the value in state: replacing one regenerates the credential, so they
        // are protected like the secret. No `keepers`: nothing but their own shape replaces them.
        const generated = { parent: this, protect };

        let value: pulumi.Output<string>;
        const source = args.value;
        switch (source.kind) {
            case "password": {
                const password = new random.RandomPassword(
                    `${name}-password`,
                    {
                        length: source.length,
                        special: source.special ?? true,
                        ...(source.overrideSpecial !== undefined ? { overrideSpecial: source.overrideSpecial } : {}),
                    },
                    generated,
                );
                value = password.result;
                break;
            }
            case "bytes": {
                const bytes = new random.RandomBytes(`${name}-bytes`, { length: source.length }, generated);
                value = source.encoding === "hex" ? bytes.hex : bytes.base64;
                break;
            }
            case "keyList": {
                const keys = Array.from(
                    { length: source.count },
                    (_, i) => new random.RandomBytes(`${name}-key-${i}`, { length: 32 }, generated),
                );
                value = pulumi.all(keys.map((key) => key.hex)).apply(renderKeyList);
                break;
            }
            case "operator":
                value = source.value;
                break;
        }
        value = pulumi.secret(value);

        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                // The name forces replacement; it derives only from network and purpose (identity).
                name: secretName(args.network, args.purpose),
                description: args.description ?? defaultSecretDescription(args.network, args.purpose),
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
                tags: awsTags(args, { ...args.tags, component: "managed-secret", purpose: args.purpose }),
            },
            { parent: this, protect },
        );
        // A new value is a new version (the provider replaces the version when `secretString`
        // changes). The old version is retained, not deleted, so Secrets Manager keeps it as
        // AWSPREVIOUS for rollback. A generated value only changes if its protected generator is
        // replaced, so its version is protected too; an operator value's version is not, because
        // protection would block every rotation of it on testnet and mainnet.
        new aws.secretsmanager.SecretVersion(
            `${name}-version`,
            { secretId: secret.id, secretString: value },
            { parent: this, protect: source.kind === "operator" ? false : protect, retainOnDelete: true },
        );

        this.arn = secret.arn;
        this.name = secret.name;
        this.value = value;
        this.registerOutputs({ arn: this.arn, name: this.name, value: this.value });
    }
}
