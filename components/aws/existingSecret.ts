/**
 * A credential an existing Secrets Manager secret already holds (the one RDS manages for a database,
 * say): read, not copied, so the store and the platform never disagree about it. The value is read
 * with the provider's `getSecretVersion` data source and stays a Pulumi secret.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An existing secret, by ARN, and the JSON key of the credential when the secret holds JSON. */
export interface ExistingSecretRef {
    readonly secretArn: string;
    /** Default: the whole secret string is the credential. */
    readonly jsonKey?: string;
}

/**
 * The credential in a secret's string: the value at `jsonKey` when given (throws, naming the keys
 * it has, when the secret is not JSON or lacks it), else the whole string.
 */
export function credentialOf(secretString: string, ref: ExistingSecretRef): string {
    if (ref.jsonKey === undefined) return secretString;
    let parsed: unknown;
    try {
        parsed = JSON.parse(secretString);
    } catch {
        throw new Error(`secret ${ref.secretArn} is not JSON, so it has no key "${ref.jsonKey}"; drop jsonKey`);
    }
    const value =
        parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>)[ref.jsonKey] : undefined;
    if (typeof value !== "string" || value === "") {
        const keys = parsed !== null && typeof parsed === "object" ? Object.keys(parsed).join(", ") : "none";
        throw new Error(`secret ${ref.secretArn} has no string at "${ref.jsonKey}" (its keys: ${keys})`);
    }
    return value;
}

/** Reads the credential of an existing secret; the result is a Pulumi secret. */
export function readExistingSecret(ref: ExistingSecretRef, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    const version = aws.secretsmanager.getSecretVersionOutput({ secretId: ref.secretArn }, opts);
    return pulumi.secret(version.secretString.apply((value) => credentialOf(value, ref)));
}
