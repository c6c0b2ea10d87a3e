/**
 * No workload in the `default` namespace (the provider's namespace counts).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, defaultEnforcement, K8S, POD_KINDS, validateTypes } from "../util";

/** Namespaced kinds this project creates; none of them belongs in `default`. */
export const NAMESPACED_KINDS: readonly string[] = [
    ...POD_KINDS,
    K8S.Service,
    K8S.ServiceAccount,
    K8S.ConfigMap,
    K8S.Secret,
    K8S.PersistentVolumeClaim,
    K8S.Ingress,
    K8S.NetworkPolicy,
    K8S.PodDisruptionBudget,
    K8S.HorizontalPodAutoscaler,
    K8S.HorizontalPodAutoscalerV1,
    K8S.Role,
    K8S.RoleBinding,
];

/** Nothing lands in the `default` namespace. */
export const notInDefaultNamespace: ResourceValidationPolicy = {
    name: "workload-not-in-default-namespace",
    description:
        "Workloads and their objects must name a namespace (on the object or through the Kubernetes " +
        "provider's namespace) other than default, because default has no Pod Security labels, " +
        "quota or default-deny network policy.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes(NAMESPACED_KINDS, (args, reportViolation) => {
        const own = asRecord(args.props.metadata)?.namespace;
        const fix =
            "set metadata.namespace (or the Kubernetes provider's namespace) to the network's " +
            "namespace: default has no Pod Security labels, quota or default-deny network policy.";
        if (own === "default") {
            reportViolation(`metadata.namespace is "default"; ${fix}`);
        } else if (own === undefined || own === null || own === "") {
            const fromProvider = args.provider?.props?.namespace;
            if (fromProvider === undefined || fromProvider === null || fromProvider === "") {
                reportViolation(`metadata.namespace is unset and the Kubernetes provider sets no namespace; ${fix}`);
            } else if (fromProvider === "default") {
                reportViolation(
                    `metadata.namespace is unset and the Kubernetes provider's namespace is "default"; ${fix}`,
                );
            }
        }
    }),
};
