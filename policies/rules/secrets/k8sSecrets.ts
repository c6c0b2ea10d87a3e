/**
 * Kubernetes Secrets whose values Pulumi keeps encrypted in its state.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, defaultEnforcement, K8S, quoteList, show, validateTypes } from "../util";

const SECRET_VALUE_FIELDS = ["data", "stringData"] as const;

/** Kubernetes Secrets whose values Pulumi keeps encrypted. */
export const k8sSecretValuesMarkedSecret: ResourceValidationPolicy = {
    name: "k8s-secret-values-marked-secret",
    description:
        "A Kubernetes Secret's data and stringData must be Pulumi secrets, so their values are encrypted in the state and masked in previews. " +
        "How the rule tells: the policy engine hands policies plain, unwrapped props (the Node " +
        "policy SDK drops the secret marker while deserializing, see @pulumi/policy " +
        "deserialize.js), " +
        "so the one signal a policy sees is opts.additionalSecretOutputs. @pulumi/kubernetes's " +
        "Secret class wraps data and stringData in pulumi.secret and always lists both there, " +
        "so Secrets made with the SDK pass; a Secret registered another way (a raw CustomResource, a transform that drops the option) fails. " +
        "The offline runner passes the recorded additionalSecretOutputs through unchanged and does not promote secretPaths, so offline and CLI verdicts agree.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "secrets"],
    validateResource: validateTypes([K8S.Secret], (args, reportViolation) => {
        const marked = args.opts.additionalSecretOutputs ?? [];
        for (const field of SECRET_VALUE_FIELDS) {
            const keys = Object.keys(asRecord(args.props[field]) ?? {});
            if (keys.length === 0 || marked.includes(field)) continue;
            reportViolation(
                `${field} (keys ${quoteList(keys)}) is not in additionalSecretOutputs (which is ` +
                    `${show(marked)}); create the Secret with @pulumi/kubernetes's Secret class (it marks data ` +
                    `and stringData secret) or add ${JSON.stringify(field)} to the resource's ` +
                    `additionalSecretOutputs, so the values are encrypted in the Pulumi state.`,
            );
        }
    }),
};
