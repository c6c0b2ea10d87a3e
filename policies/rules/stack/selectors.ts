/**
 * Selector integrity: every reference by labels or by name lands on something. A Service's selector
 * matches the pod template labels of some workload in its namespace, a NetworkPolicy's podSelector
 * selects some pod there, and each Ingress backend names a Service of its namespace and a port that
 * Service exposes. A broken selector is an outage (no endpoints, a flow never opened, a 503), not a
 * hole, so these are reliability rules.
 *
 * The pods of a namespace are the pod templates of every pod-bearing kind in it (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, bare Pod); names are metadata.name, else the
 * logical name (see `k8sName`), and namespaces come from `k8sNamespace` (own, provider's, `default`).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { podTemplateOf } from "../pods";
import {
    asArray,
    asRecord,
    defaultEnforcement,
    describeK8s,
    groupBy,
    K8S,
    k8sName,
    k8sNamespace,
    selectorMatches,
    show,
} from "../util";

/** The pod labels of each namespace: one entry per pod template of a pod-bearing resource. */
function podLabelsByNamespace(resources: readonly PolicyResource[]): Map<string, Record<string, string>[]> {
    const byNamespace = new Map<string, Record<string, string>[]>();
    for (const r of resources) {
        const pod = podTemplateOf(r.type, r.props);
        if (!pod) continue;
        const ns = k8sNamespace(r.props, r.provider);
        const labels = (asRecord(pod.metadata.labels) ?? {}) as Record<string, string>;
        byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), labels]);
    }
    return byNamespace;
}

const POD_KIND_LIST = "Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod";

/** Every Service with a selector selects the pods of some workload in its namespace. */
export const serviceSelectsWorkload: StackValidationPolicy = {
    name: "service-selects-workload",
    description:
        "Every Service with a spec.selector (headless ones included) must select the pod template labels of some " +
        "workload in its namespace (every selector label equal), so it has endpoints and its clients reach pods. " +
        "Services without a selector (ExternalName, manually managed Endpoints) are skipped.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const pods = podLabelsByNamespace(args.resources);
        for (const service of args.resources) {
            if (service.type !== K8S.Service) continue;
            const spec = asRecord(service.props.spec) ?? {};
            const selector = asRecord(spec.selector);
            // No selector (or an empty one) means the endpoints are managed by hand: nothing to match.
            if (spec.type === "ExternalName" || !selector || Object.keys(selector).length === 0) continue;
            const ns = k8sNamespace(service.props, service.provider);
            if ((pods.get(ns) ?? []).some((labels) => selectorMatches({ matchLabels: selector }, labels))) continue;
            reportViolation(
                `${describeK8s(service)} has spec.selector ${show(selector)} but no pod template in ` +
                    `${JSON.stringify(ns)} (${POD_KIND_LIST}) carries all those labels, so the Service has no ` +
                    "endpoints and every connection to it fails; set spec.selector to the pod template labels of the " +
                    "workload it fronts.",
                service.urn,
            );
        }
    },
};

/** Whether a label selector is empty (`{}`, or unset, which the API server stores as `{}`): it selects every pod. */
function selectsEveryPod(selector: unknown): boolean {
    const s = asRecord(selector);
    return (
        s === undefined ||
        (Object.keys(asRecord(s.matchLabels) ?? {}).length === 0 && asArray(s.matchExpressions).length === 0)
    );
}

/** Every NetworkPolicy with a non-empty podSelector selects some pod of its namespace. */
export const networkPolicySelectsPods: StackValidationPolicy = {
    name: "network-policy-selects-pods",
    description:
        "Every NetworkPolicy's spec.podSelector (matchLabels and matchExpressions: In, NotIn, Exists, DoesNotExist) " +
        "must select the pod template labels of some workload in its namespace, so the flows it allows actually " +
        "open for the pods it was written for. An empty podSelector {} (a default-deny) selects every pod, even in " +
        "a namespace that is still empty, and is skipped.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const pods = podLabelsByNamespace(args.resources);
        for (const policy of args.resources) {
            if (policy.type !== K8S.NetworkPolicy) continue;
            const selector = asRecord(policy.props.spec)?.podSelector;
            if (selectsEveryPod(selector)) continue;
            const ns = k8sNamespace(policy.props, policy.provider);
            if ((pods.get(ns) ?? []).some((labels) => selectorMatches(selector, labels))) continue;
            reportViolation(
                `${describeK8s(policy)} has spec.podSelector ${show(selector)} but no pod template in ` +
                    `${JSON.stringify(ns)} (${POD_KIND_LIST}) matches it, so it applies to no pod and the flows it ` +
                    "allows stay closed; set spec.podSelector to the labels of the pods it is meant for.",
                policy.urn,
            );
        }
    },
};

/** A Service port, as far as an Ingress backend can name it. */
interface ServicePort {
    port?: unknown;
    name?: unknown;
}

/** `3200 ("http"), 3201 ("ws")` */
function portList(ports: readonly ServicePort[]): string {
    if (ports.length === 0) return "no ports";
    return ports
        .map((p) => `${show(p.port)}${typeof p.name === "string" ? ` (${JSON.stringify(p.name)})` : ""}`)
        .join(", ");
}

/** Every backend of an Ingress: its path in the spec and its `service` (undefined for a `resource` backend). */
function backendsOf(spec: Record<string, unknown>): { path: string; service: Record<string, unknown> | undefined }[] {
    const backends: { path: string; service: Record<string, unknown> | undefined }[] = [];
    const defaultBackend = asRecord(spec.defaultBackend);
    if (defaultBackend) backends.push({ path: "spec.defaultBackend", service: asRecord(defaultBackend.service) });
    asArray(spec.rules).forEach((rule, i) => {
        asArray(asRecord(asRecord(rule)?.http)?.paths).forEach((p, j) => {
            const backend = asRecord(asRecord(p)?.backend);
            if (backend) {
                backends.push({
                    path: `spec.rules[${i}].http.paths[${j}].backend`,
                    service: asRecord(backend.service),
                });
            }
        });
    });
    return backends;
}

/** Every Ingress backend names a Service of its namespace and a port that Service exposes. */
export const ingressBackendExists: StackValidationPolicy = {
    name: "ingress-backend-exists",
    description:
        "Every Ingress backend (spec.defaultBackend and spec.rules[].http.paths[].backend.service) must name a " +
        "Service of the stack in the Ingress's namespace and a port it exposes (port.number equal to a Service " +
        "port, or port.name equal to a named Service port), so the controller routes the path instead of " +
        "answering 503.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const services = groupBy(
            args.resources.filter((r) => r.type === K8S.Service),
            (r) => `${k8sNamespace(r.props, r.provider)}/${k8sName(r.props, r.name)}`,
        );
        for (const ingress of args.resources) {
            if (ingress.type !== K8S.Ingress) continue;
            const ns = k8sNamespace(ingress.props, ingress.provider);
            for (const { path, service: ref } of backendsOf(asRecord(ingress.props.spec) ?? {})) {
                // A `resource` backend (an object of another API group) is not a Service reference.
                if (!ref) continue;
                const service = services.get(`${ns}/${String(ref.name)}`)?.[0];
                if (!service) {
                    reportViolation(
                        `${describeK8s(ingress)}: ${path}.service names Service ${show(ref.name)}, but the stack has no ` +
                            `Service of that name in ${JSON.stringify(ns)} (an Ingress reaches Services of its own ` +
                            "namespace only), so that path answers 503; point it at a Service of this namespace.",
                        ingress.urn,
                    );
                    continue;
                }
                const port = asRecord(ref.port);
                const ports = asArray<ServicePort>(asRecord(service.props.spec)?.ports).filter((p) => asRecord(p));
                const matches =
                    port !== undefined &&
                    ports.some(
                        (p) =>
                            (typeof port.number === "number" && p.port === port.number) ||
                            (typeof port.name === "string" && p.name === port.name),
                    );
                if (matches) continue;
                reportViolation(
                    `${describeK8s(ingress)}: ${path}.service.port is ${show(ref.port)} but Service ` +
                        `${JSON.stringify(k8sName(service.props, service.name))} exposes ${portList(ports)}, so that path ` +
                        "answers 503; set port.number to one of its ports or port.name to one of its port names.",
                    ingress.urn,
                );
            }
        }
    },
};
