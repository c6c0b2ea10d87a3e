/**
 * Service-account tokens: mounted only for pods that need AWS through IRSA.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PodTemplate, podTemplateOf } from "../pods";
import { asRecord, defaultEnforcement, describeK8s, K8S, k8sName, k8sNamespace, show, validateTypes } from "../util";

/** The annotation that binds a Kubernetes service account to an IAM role (IRSA). */
export const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

/** Whether a ServiceAccount's props carry an IRSA role annotation. */
export function isIrsaServiceAccount(props: Record<string, unknown>): boolean {
    const value = asRecord(asRecord(props.metadata)?.annotations)?.[IRSA_ANNOTATION];
    return typeof value === "string" && value !== "";
}

/** ServiceAccounts turn token automounting off unless they are IRSA service accounts. */
export const serviceAccountTokenAutomount: ResourceValidationPolicy = {
    name: "service-account-token-automount",
    description:
        `Every ServiceAccount must set automountServiceAccountToken: false unless it carries the ` +
        `IRSA annotation ${IRSA_ANNOTATION}, so pods do not get a Kubernetes API token they have no ` +
        `use for.`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes([K8S.ServiceAccount], (args, reportViolation) => {
        if (isIrsaServiceAccount(args.props)) return;
        const value = args.props.automountServiceAccountToken;
        if (value !== false) {
            reportViolation(
                `automountServiceAccountToken is ${show(value)}; set it to false: the service account has ` +
                    `no ${IRSA_ANNOTATION} annotation, so its pods need no token and a stolen one would reach ` +
                    `the Kubernetes API.`,
            );
        }
    }),
};

/** The service account a pod template runs as. */
export function serviceAccountOf(pod: PodTemplate): string {
    return pod.spec.serviceAccountName || pod.spec.serviceAccount || "default";
}

/** Pods turn token automounting off unless their service account is an IRSA service account. */
export const podServiceAccountToken: StackValidationPolicy = {
    name: "pod-service-account-token",
    description:
        `Every pod template must turn token automounting off unless its service account (looked up in ` +
        `the stack by namespace and name) carries the IRSA annotation ${IRSA_ANNOTATION}, so only pods ` +
        `that need AWS keep a token. Either level may turn it off: the pod's ` +
        `automountServiceAccountToken: false, or, when the pod leaves it unset, its ServiceAccount's ` +
        `(a pod's true overrides the ServiceAccount's false, as in Kubernetes).`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateStack: (args, reportViolation) => {
        const irsa = new Set<string>();
        const automountOff = new Set<string>();
        for (const r of args.resources) {
            if (r.type !== K8S.ServiceAccount) continue;
            const key = `${k8sNamespace(r.props, r.provider)}/${k8sName(r.props, r.name)}`;
            if (isIrsaServiceAccount(r.props)) irsa.add(key);
            if (r.props.automountServiceAccountToken === false) automountOff.add(key);
        }
        for (const r of args.resources) {
            const pod = podTemplateOf(r.type, r.props);
            if (!pod) continue;
            const account = serviceAccountOf(pod);
            const key = `${k8sNamespace(r.props, r.provider)}/${account}`;
            if (irsa.has(key)) continue;
            const value = pod.spec.automountServiceAccountToken;
            // The pod's field wins when set; unset, the ServiceAccount's false applies.
            const mounted = value === undefined || value === null ? !automountOff.has(key) : value !== false;
            if (mounted) {
                reportViolation(
                    `${describeK8s(r)}: ${pod.specPath}.automountServiceAccountToken is ${show(value)} and its ` +
                        `service account ${JSON.stringify(account)} is not an IRSA service account in this stack; ` +
                        `set it to false so the pod gets no Kubernetes API token it does not need.`,
                    r.urn,
                );
            }
        }
    },
};
