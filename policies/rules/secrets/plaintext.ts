/**
 * No credential in plain text: not in an env `value` of a pod-bearing resource, not in a ConfigMap.
 * Messages never repeat a secret value: they say what it looks like and how long it is.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerNote, containersOf, EnvVar, podTemplateOf } from "../pods";
import { asArray, asRecord, defaultEnforcement, K8S, keyPath, kindOf, POD_KINDS, validateTypes } from "../util";
import { describeSecretValue, isSecretName, secretAssignments, secretValueKind } from "./detection";

const SECRET_FIX =
    "move it into a Kubernetes Secret whose value comes from Secrets Manager and reference it with valueFrom.secretKeyRef";

/** Messages for every env var of a pod-bearing resource that holds a credential in plain text. */
export function plaintextEnvSecrets(type: string, props: Record<string, unknown>): string[] {
    const pod = podTemplateOf(type, props);
    if (!pod) return [];
    const messages: string[] = [];
    for (const ref of containersOf(pod)) {
        asArray<EnvVar>(ref.container.env).forEach((env, index) => {
            const name = typeof env?.name === "string" ? env.name : "";
            const value = env?.value;
            if (typeof value !== "string" || value === "") return;
            const kind = secretValueKind(value, name);
            if (!kind && !isSecretName(name)) return;
            const under = kind ? "" : ` under the secret-looking name ${JSON.stringify(name)}`;
            messages.push(
                `${ref.path}.env[${index}].value is ` +
                    `${describeSecretValue(value, kind)}${under}${containerNote(ref)}; ${SECRET_FIX}: an env ` +
                    `value is readable by anyone who can read the ${kindOf(type)}.`,
            );
        });
    }
    return messages;
}

/** No credential in plain-text env values. */
export const envNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "env-no-plaintext-secrets",
    description:
        "No container env `value` may hold a credential: a secret-looking name (PASSWORD, SECRET, " +
        "TOKEN, KEY, PRIVATE, CREDENTIAL, ...; not *_FILE, *_PATH, *_ID, *_ARN, *_ADDRESS, PUBLIC*) " +
        "with a value, a URL with a password, a PEM private key or a 0x + 64-hex private key, " +
        "because env values are stored and shown in plain text in the workload object. Use " +
        "valueFrom.secretKeyRef.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "secrets"],
    validateResource: validateTypes(POD_KINDS, (args, reportViolation) => {
        plaintextEnvSecrets(args.type, args.props).forEach((m) => reportViolation(m));
    }),
};

/** Messages for every ConfigMap entry that holds a credential. */
export function configMapSecrets(props: Record<string, unknown>): string[] {
    const messages: string[] = [];
    const fix =
        `${SECRET_FIX.replace("reference it with valueFrom.secretKeyRef", "mount or reference the Secret instead")}: ` +
        `ConfigMaps are neither encrypted nor access-controlled like Secrets.`;
    for (const [key, raw] of Object.entries(asRecord(props.data) ?? {})) {
        if (typeof raw !== "string" || raw === "") continue;
        const kind = secretValueKind(raw, key);
        if (kind) {
            messages.push(`data${keyPath(key)} is ${describeSecretValue(raw, kind)}; ${fix}`);
        } else if (isSecretName(key)) {
            messages.push(
                `data${keyPath(key)} is ${describeSecretValue(raw, undefined)} under a secret-looking key; ${fix}`,
            );
        } else if (raw.includes("\n")) {
            const assignments = secretAssignments(raw);
            if (assignments.length > 0) {
                const where = assignments.map((a) => `line ${a.line} (${JSON.stringify(a.name)})`).join(", ");
                messages.push(`data${keyPath(key)} sets secret-looking names to plain values at ${where}; ${fix}`);
            }
        }
    }
    for (const [key, raw] of Object.entries(asRecord(props.binaryData) ?? {})) {
        if (typeof raw !== "string" || raw === "") continue;
        const decoded = Buffer.from(raw, "base64").toString("utf8");
        const kind = secretValueKind(decoded, key);
        if (kind) messages.push(`binaryData${keyPath(key)} decodes to ${describeSecretValue(decoded, kind)}; ${fix}`);
        else if (isSecretName(key))
            messages.push(
                `binaryData${keyPath(key)} is ${describeSecretValue(decoded, undefined)} under a secret-looking key; ${fix}`,
            );
    }
    return messages;
}

/** No credential in ConfigMaps. */
export const configMapNoSecrets: ResourceValidationPolicy = {
    name: "configmap-no-secrets",
    description:
        "No ConfigMap may hold a credential: no data/binaryData key with a secret-looking name, no " +
        "value that is a URL with a password, a PEM private key or a 0x + 64-hex private key, and " +
        "no embedded config line assigning a secret-looking name, because ConfigMaps are stored and " +
        "shown in plain text.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "secrets"],
    validateResource: validateTypes([K8S.ConfigMap], (args, reportViolation) => {
        configMapSecrets(args.props).forEach((m) => reportViolation(m));
    }),
};
