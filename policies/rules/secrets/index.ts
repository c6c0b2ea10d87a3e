/**
 * Secrets: no credential in an env `value` or a ConfigMap, and Kubernetes Secrets whose values
 * Pulumi keeps encrypted. Messages never repeat a secret value: they say what it looks like and
 * how long it is. detection.ts holds the heuristics; plaintext.ts and k8sSecrets.ts the policies.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { k8sSecretValuesMarkedSecret } from "./k8sSecrets";
import { configMapNoSecrets, envNoPlaintextSecrets } from "./plaintext";

export { describeSecretValue, isSecretName, nameTokens, secretValueKind } from "./detection";
export type { SecretValueKind } from "./detection";
export * from "./k8sSecrets";
export * from "./plaintext";

export const secretsPolicies: readonly ResourceValidationPolicy[] = [
    envNoPlaintextSecrets,
    configMapNoSecrets,
    k8sSecretValuesMarkedSecret,
];
