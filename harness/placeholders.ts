/**
 * What the mock engine answers for the values the cloud computes: ARNs, ids, generated names and
 * random results. Each takes the shape the cloud gives it, derived from what the engine knows (the
 * resource's type, logical name and inputs, and the region and account of its AWS provider). Only
 * the parts the cloud would invent (a key id, the random suffix AWS appends to a secret's ARN,
 * Pulumi's auto-name suffix, a random value) are stand-ins, and each of those says `mock`, so no
 * value can be mistaken for a real one (DESIGN.md: deterministic placeholders, never invented
 * real-looking values).
 *
 * Pure functions only: the engine (mockEngine.ts) keeps the state of a run.
 */
import { createHash } from "node:crypto";

/** The type token of the AWS provider resource. */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/** Where an AWS resource lives, as far as its ARN says. */
export interface AwsLocation {
    region: string;
    account: string;
}

/**
 * The location of a resource whose AWS provider the engine does not know, or whose provider says
 * neither region nor account (unit runs that build one block without a provider).
 */
export const UNKNOWN_AWS_LOCATION: Readonly<AwsLocation> = { region: "mock-region", account: "000000000000" };

/** The suffix standing in for the random characters Pulumi's auto-naming appends to a logical name. */
export const AUTO_NAME_SUFFIX = "-mocksfx";

/** The suffix standing in for the six random characters AWS appends to a Secrets Manager secret's ARN. */
export const SECRET_ARN_SUFFIX = "-mockid";

function nonEmpty(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The first account of an `allowedAccountIds` input: a list, or the JSON string the engine passes providers. */
function firstAccount(value: unknown): string | undefined {
    let list: unknown = value;
    if (typeof value === "string") {
        try {
            list = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    return Array.isArray(list) ? list.map(nonEmpty).find((a) => a !== undefined) : undefined;
}

/**
 * The location an AWS provider's inputs give its resources: `region`, and the first of
 * `allowedAccountIds` (the program pins exactly one). What they leave out is
 * {@link UNKNOWN_AWS_LOCATION}'s.
 */
export function awsProviderLocation(inputs: Record<string, unknown>): AwsLocation {
    return {
        region: nonEmpty(inputs.region) ?? UNKNOWN_AWS_LOCATION.region,
        account: firstAccount(inputs.allowedAccountIds) ?? UNKNOWN_AWS_LOCATION.account,
    };
}

/**
 * The provider a resource's `provider` reference names (`<provider urn>::<provider id>`), as the
 * type token and logical name of its URN; undefined when it is not such a reference.
 */
export function providerOfReference(reference: string | undefined): { type: string; name: string } | undefined {
    if (reference === undefined) return undefined;
    const parts = reference.split("::");
    // urn:pulumi:<stack> :: <project> :: <qualified type> :: <name> :: <id>
    if (parts.length < 5 || !parts[0].startsWith("urn:pulumi:")) return undefined;
    const qualifiedType = parts[parts.length - 3];
    return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name: parts[parts.length - 2] };
}

/** The ARN partition of a region (`cn-north-1` -> `aws-cn`). */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** The name Pulumi's auto-naming gives a resource whose program sets none. */
export function autoName(logicalName: string): string {
    return `${logicalName}${AUTO_NAME_SUFFIX}`;
}

/** One type's computed values: the id and the fields added to the echoed inputs. */
type Computed = { id: string; fields: Record<string, unknown> };

/** The AWS types whose computed values follow the cloud's shapes. */
const AWS_SHAPES: Record<string, (name: string, inputs: Record<string, unknown>, at: AwsLocation) => Computed> = {
    "aws:kms/key:Key": (name, _inputs, { region, account }) => {
        const keyId = `mock-key-id-of-${name}`;
        return {
            id: keyId,
            fields: { keyId, arn: `arn:${partitionOf(region)}:kms:${region}:${account}:key/${keyId}` },
        };
    },
    "aws:kms/alias:Alias": (name, inputs, { region, account }) => {
        const alias = nonEmpty(inputs.name) ?? `alias/${autoName(name)}`;
        return {
            id: alias,
            fields: { name: alias, arn: `arn:${partitionOf(region)}:kms:${region}:${account}:${alias}` },
        };
    },
    "aws:secretsmanager/secret:Secret": (name, inputs, { region, account }) => {
        const secretName = nonEmpty(inputs.name) ?? autoName(name);
        const arn = `arn:${partitionOf(region)}:secretsmanager:${region}:${account}:secret:${secretName}${SECRET_ARN_SUFFIX}`;
        return { id: arn, fields: { name: secretName, arn } };
    },
    "aws:iam/role:Role": (name, inputs, { region, account }) => {
        const roleName = nonEmpty(inputs.name) ?? autoName(name);
        const path = nonEmpty(inputs.path) ?? "/";
        return {
            id: roleName,
            fields: { name: roleName, path, arn: `arn:${partitionOf(region)}:iam::${account}:role${path}${roleName}` },
        };
    },
    "aws:s3/bucket:Bucket": (name, inputs, { region }) => {
        const bucket = nonEmpty(inputs.bucket) ?? autoName(name);
        return { id: bucket, fields: { bucket, arn: `arn:${partitionOf(region)}:s3:::${bucket}` } };
    },
};

/**
 * The stand-in for `length` random bytes: `mock-` followed by the SHA-256 of the logical name
 * (repeated as needed), cut to `length` bytes. Its hex and base64 have the cloud's shape (what
 * keys are derived from must parse: a P2P key's public key, a 32-byte secretbox key), differ per
 * resource, and still begin with bytes that say mock.
 */
export function mockRandomBytes(name: string, length: number): Buffer {
    return Buffer.alloc(length, Buffer.concat([MOCK_BYTES_PREFIX, createHash("sha256").update(name).digest()]));
}

const MOCK_BYTES_PREFIX = Buffer.from("mock-");

/** Random values: labelled, per output, with the resource's logical name. */
function randomFields(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "random:index/randomBytes:RandomBytes": {
            const bytes = mockRandomBytes(name, typeof inputs.length === "number" ? inputs.length : 32);
            return { hex: bytes.toString("hex"), base64: bytes.toString("base64") };
        }
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-random-password-of-${name}` };
        default:
            return { result: `mock-random-result-of-${name}` };
    }
}

/**
 * The id and output state the mock engine answers for a resource: its inputs echoed, plus the
 * values the cloud would compute. `at` is where its AWS provider puts it.
 *
 * - KMS key: keyId `mock-key-id-of-<name>` (also the id), arn `arn:aws:kms:<region>:<account>:key/<keyId>`;
 * - KMS alias: arn `arn:aws:kms:<region>:<account>:<alias name>`, id the alias name;
 * - Secrets Manager secret: arn `arn:aws:secretsmanager:<region>:<account>:secret:<name>-mockid`, id the arn;
 * - IAM role: arn `arn:aws:iam::<account>:role<path><name>`, id the name;
 * - S3 bucket: arn `arn:aws:s3:::<bucket>`, id the bucket name;
 * - where the program sets no name, the name is the logical name plus {@link AUTO_NAME_SUFFIX};
 * - other AWS types: arn `mock-arn-of-<module>/<resource>-<name>`, id `mock-id-of-<name>`;
 * - RandomBytes hex and base64 of {@link mockRandomBytes}; other random:* results
 *   `mock-random-<output>-of-<name>`; every other id `mock-id-of-<name>`.
 */
export function placeholderState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    at: AwsLocation = UNKNOWN_AWS_LOCATION,
): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...inputs };
    let id = `mock-id-of-${name}`;
    const shape = AWS_SHAPES[type];
    if (shape) {
        const computed = shape(name, inputs, at);
        Object.assign(state, computed.fields);
        id = computed.id;
        state.id = id;
    } else if (type.startsWith("aws:")) {
        state.arn = `mock-arn-of-${type.split(":")[1]}-${name}`;
        state.id = id;
    } else if (type.startsWith("random:")) {
        Object.assign(state, randomFields(type, name, inputs));
    }
    return { id, state };
}
