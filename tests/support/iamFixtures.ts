/**
 * Shared fixtures of the AWS building-block specs: one row per network as DESIGN.md's network
 * table has it (devnet unprotected with 7-day windows, testnet and mainnet protected with 30),
 * example cluster facts, and helpers to read what a mock-engine run registered.
 */
import { Network } from "../../components/network";
import { MockRun, RecordedResource } from "../../harness/mockEngine";

/** The Pulumi project every run uses. */
export const PROJECT = "messaging-infra";

/** What the platform passes the AWS blocks on one network. */
export interface NetworkCase {
    network: Network;
    accountId: string;
    protect: boolean;
    kmsDeletionWindowDays: number;
    secretRecoveryWindowDays: number;
    oidcProviderArn: string;
    oidcIssuerHostPath: string;
}

function networkCase(network: Network, accountId: string, id: string, protectedNetwork: boolean): NetworkCase {
    const oidcIssuerHostPath = `oidc.eks.us-east-1.amazonaws.com/id/${id}`;
    const days = protectedNetwork ? 30 : 7;
    return {
        network,
        accountId,
        protect: protectedNetwork,
        kmsDeletionWindowDays: days,
        secretRecoveryWindowDays: days,
        oidcProviderArn: `arn:aws:iam::${accountId}:oidc-provider/${oidcIssuerHostPath}`,
        oidcIssuerHostPath,
    };
}

/** The three networks. */
export const NETWORK_CASES: readonly NetworkCase[] = [
    networkCase("devnet", "111122223333", "EXAMPLED539D4633E53DE1B71EXAMPLE", false),
    networkCase("testnet", "444455556666", "EXAMPLE7A1B2C3D4E5F60718293A4B5C", true),
    networkCase("mainnet", "777788889999", "EXAMPLE9F8E7D6C5B4A39281706F5E4D", true),
];

/** The root stack URN of a run on `network`. */
export function stackUrn(network: Network): string {
    return `urn:pulumi:${network}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${network}`;
}

/** The URN of a component registered at the stack root. */
export function componentUrn(network: Network, type: string, name: string): string {
    return `urn:pulumi:${network}::${PROJECT}::${type}::${name}`;
}

/** The URN of a child of a root component, as the mock engine qualifies it (parent type only). */
export function childUrn(network: Network, parentType: string, type: string, name: string): string {
    return `urn:pulumi:${network}::${PROJECT}::${parentType}$${type}::${name}`;
}

/** The parent URN the mock engine records for children of a root component. */
export function parentUrnOfChildren(network: Network, parentType: string, parentName: string): string {
    return `urn:pulumi:${network}::${PROJECT}::pulumi:pulumi:Stack$${parentType}::${parentName}`;
}

/** The resources of a run keyed by name; fails on duplicate names. */
export function byName(run: MockRun<unknown>): Map<string, RecordedResource> {
    const map = new Map<string, RecordedResource>();
    for (const resource of run.resources) {
        if (map.has(resource.name)) throw new Error(`two resources named ${resource.name}`);
        map.set(resource.name, resource);
    }
    return map;
}

/** The one resource named `name`; fails when absent. */
export function resource(run: MockRun<unknown>, name: string): RecordedResource {
    const found = run.resources.find((r) => r.name === name);
    if (!found)
        throw new Error(`no resource named ${name}; registered: ${run.resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** A parsed JSON input (policies are registered as JSON strings). */
export function jsonInput(resource: RecordedResource, key: string): unknown {
    const value = resource.inputs[key];
    if (typeof value !== "string")
        throw new Error(`${resource.name}.${key} is not a JSON string: ${JSON.stringify(value)}`);
    return JSON.parse(value);
}

/**
 * The ARNs the mock engine computes for a block built without an AWS provider, as the unit specs
 * build them: region `mock-region`, account `000000000000` (see harness/placeholders.ts).
 */
export const mockArn = {
    /** A KMS key, by the key resource's logical name (its key id is a labelled stand-in). */
    key: (logicalName: string) => `arn:aws:kms:mock-region:000000000000:key/mock-key-id-of-${logicalName}`,
    /** A Secrets Manager secret, by its name input (AWS's random suffix is a labelled stand-in). */
    secret: (secretName: string) => `arn:aws:secretsmanager:mock-region:000000000000:secret:${secretName}-mockid`,
    /** An IAM role, by its name input. */
    role: (roleName: string) => `arn:aws:iam::000000000000:role/${roleName}`,
    /** An S3 bucket, by its bucket name. */
    bucket: (bucketName: string) => `arn:aws:s3:::${bucketName}`,
};
