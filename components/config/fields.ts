/**
 * The field schemas every area of the stack config is built from. Every message is the "allowed"
 * half of a problem report.
 */
import { z } from "zod";
import {
    checkEvmAddress,
    checkNetworkCidr,
    checkPinnedImage,
    DNS_LABEL_ALLOWED,
    intRangeAllowed,
    isDnsLabel,
    parseByteQuantity,
    parseCpuMillis,
    parseHostPort,
} from "../validators";

export const text = (what: string) => z.string({ error: what }).min(1, { error: what });
export const refined = (what: string, check: (value: string) => string | undefined) =>
    z.string({ error: what }).superRefine((value, ctx) => {
        const problem = check(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    });
export const int = (min: number, max: number, what?: string) => {
    const allowed = what ?? intRangeAllowed(min, max);
    return z
        .number({ error: allowed })
        .int({ error: allowed })
        .min(min, { error: allowed })
        .max(max, { error: allowed });
};
export const port = int(1, 65535, "a port number from 1 to 65535");
export const hostname = z
    .hostname({ error: "a DNS hostname such as db.devnet.example.org" })
    .refine((h) => h.includes("."), { error: "a fully qualified DNS hostname such as db.devnet.example.org" });
export const cidr = refined("a network CIDR such as 10.20.0.0/16", checkNetworkCidr);
export const cidrs = z.array(cidr, { error: "a list of network CIDRs" }).min(1, { error: "at least one network CIDR" });
export const image = refined("a container image reference", checkPinnedImage);
export const evmAddress = refined("an EVM address: 0x followed by 40 hex digits", checkEvmAddress);
export const httpUrl = z.url({
    protocol: /^https?$/,
    hostname: z.regexes.domain,
    error: "an http(s) URL with a DNS hostname, e.g. https://rpc.devnet.example.org",
});
export const endpoint = refined("a host:port endpoint such as kafka-1.devnet.example.org:9092", (v) =>
    parseHostPort(v) ? undefined : "a host:port endpoint such as kafka-1.devnet.example.org:9092",
);
export const cpu = refined("a CPU quantity such as 250m or 1", (v) =>
    parseCpuMillis(v) === undefined ? "a CPU quantity such as 250m or 1" : undefined,
);
export const bytes = refined("a memory or storage quantity such as 256Mi or 10Gi", (v) =>
    parseByteQuantity(v) === undefined ? "a memory or storage quantity such as 256Mi or 10Gi" : undefined,
);
export const probePath = z
    .string({ error: "an HTTP path starting with /" })
    .regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: "an HTTP path starting with /, e.g. /health" });
export const labels = z
    .record(z.string(), z.string().min(1, { error: "a non-empty label value" }), {
        error: "a map of label names to values",
    })
    .refine((m) => Object.keys(m).length > 0, {
        error: "at least one label that selects the namespace, e.g. kubernetes.io/metadata.name: ingress-nginx",
    });
export const dnsLabel = z
    .string({ error: DNS_LABEL_ALLOWED })
    .refine((value) => isDnsLabel(value), { error: DNS_LABEL_ALLOWED });

/**
 * A container's requests and limits. `ephemeralStorage` is optional: by default the container
 * requests 64Mi and is limited to its writable emptyDirs' sizeLimits plus 128Mi for logs.
 */
export const resourcesSchema = z.strictObject({
    requests: z.strictObject({ cpu, memory: bytes, ephemeralStorage: bytes.optional() }),
    limits: z.strictObject({ cpu, memory: bytes, ephemeralStorage: bytes.optional() }),
});

/**
 * What an HPA's minReplicas may be: below its maxReplicas. Equal bounds make an HPA that never
 * scales (and a PDB sized for autoscaling): a fixed `replicas` says the same without one.
 */
export const hpaMinReplicasAllowed = (max: number) =>
    `an integer < autoscaling.maxReplicas (${max}); for a fixed count drop autoscaling and set replicas`;

/** HPA bounds and targets; `memoryDefault` makes memory a metric unless the stack file says otherwise. */
export const autoscalingSchemaWith = (memoryDefault?: number) =>
    z.strictObject({
        minReplicas: int(1, 1000),
        maxReplicas: int(1, 1000),
        targetCpuUtilization: int(1, 100, "a CPU utilisation percentage from 1 to 100").default(70),
        targetMemoryUtilization:
            memoryDefault === undefined
                ? int(1, 100, "a memory utilisation percentage from 1 to 100").optional()
                : int(1, 100, "a memory utilisation percentage from 1 to 100").default(memoryDefault),
    });
export const autoscalingSchema = autoscalingSchemaWith();

/** A volume of a StatefulSet's pods: its size and, optionally, its storage class. */
export const volumeSchema = (defaultSize: string) =>
    z.strictObject({ volumeSize: bytes.default(defaultSize), storageClass: dnsLabel.optional() });

/** An S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit. */
export const bucketName = z.string({ error: "an S3 bucket name" }).regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: "an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit",
});

/** An existing Secrets Manager secret, by ARN, and the JSON key of the value when the secret holds JSON. */
export const existingSecretSchema = z.strictObject({
    secretArn: z
        .string({ error: "a Secrets Manager secret ARN" })
        .regex(/^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+$/, {
            error: "a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>",
        }),
    jsonKey: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "a JSON key such as password" })
        .optional(),
});

export const probesSchema = z.strictObject({ health: probePath, ready: probePath });
