/**
 * Default-deny per namespace: every namespace that runs pods holds a NetworkPolicy (or one per
 * direction) that denies all ingress and egress, so each flow of the traffic matrix is allowed
 * explicitly.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { podTemplateOf } from "../pods";
import { asArray, asRecord, defaultEnforcement, K8S, k8sName, k8sNamespace, kindOf, show } from "../util";

/** `a, b, c and 2 more` */
function few(names: string[]): string {
    return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** Whether a label selector selects every pod (`{}`). */
function selectsAll(selector: unknown): boolean {
    const s = asRecord(selector);
    return (
        s !== undefined &&
        Object.keys(asRecord(s.matchLabels) ?? {}).length === 0 &&
        asArray(s.matchExpressions).length === 0
    );
}

/** The policy types a NetworkPolicy applies, after the API server's defaulting. */
export function effectivePolicyTypes(spec: Record<string, unknown>): string[] {
    const declared = asArray<string>(spec.policyTypes);
    if (declared.length > 0) return declared;
    return asArray(spec.egress).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Which directions a NetworkPolicy denies for every pod of its namespace, and why it falls short. */
export function defaultDenyCoverage(props: Record<string, unknown>): {
    ingress: boolean;
    egress: boolean;
    shortfalls: string[];
} {
    const spec = asRecord(props.spec) ?? {};
    const types = effectivePolicyTypes(spec);
    const shortfalls: string[] = [];
    const all = selectsAll(spec.podSelector);
    if (!all) shortfalls.push(`podSelector is ${show(spec.podSelector)}`);
    const covers = (type: "Ingress" | "Egress") => {
        const rules = asArray(spec[type.toLowerCase()]);
        if (!types.includes(type)) return false;
        if (rules.length > 0) {
            shortfalls.push(`${type.toLowerCase()} has ${rules.length} rule(s)`);
            return false;
        }
        return all;
    };
    const ingress = covers("Ingress");
    const egress = covers("Egress");
    if (!types.includes("Ingress") || !types.includes("Egress")) {
        shortfalls.push(
            `policyTypes is ${spec.policyTypes === undefined || spec.policyTypes === null ? `unset (so ${show(types)})` : show(spec.policyTypes)}`,
        );
    }
    return { ingress, egress, shortfalls };
}

/** Every namespace that runs pods has a default-deny NetworkPolicy for ingress and egress. */
export const namespaceDefaultDeny: StackValidationPolicy = {
    name: "namespace-default-deny",
    description:
        "Every namespace that runs pods (the namespace of each pod-bearing resource, or its " +
        "Kubernetes provider's) must hold a NetworkPolicy with podSelector {}, policyTypes Ingress " +
        "and Egress and no rules (or two such policies, one per direction), so every flow must be " +
        "allowed explicitly.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    validateStack: (args, reportViolation) => {
        const workloads = new Map<string, PolicyResource[]>();
        const policies = new Map<string, PolicyResource[]>();
        const namespaces = new Map<string, PolicyResource>();
        for (const r of args.resources) {
            if (podTemplateOf(r.type, r.props)) {
                const ns = k8sNamespace(r.props, r.provider);
                workloads.set(ns, [...(workloads.get(ns) ?? []), r]);
            } else if (r.type === K8S.NetworkPolicy) {
                const ns = k8sNamespace(r.props, r.provider);
                policies.set(ns, [...(policies.get(ns) ?? []), r]);
            } else if (r.type === K8S.Namespace) {
                namespaces.set(k8sName(r.props, r.name), r);
            }
        }
        for (const [ns, pods] of workloads) {
            let ingress = false;
            let egress = false;
            const nearMisses: string[] = [];
            for (const np of policies.get(ns) ?? []) {
                const coverage = defaultDenyCoverage(np.props);
                ingress ||= coverage.ingress;
                egress ||= coverage.egress;
                if (!(coverage.ingress && coverage.egress) && coverage.shortfalls.length > 0) {
                    nearMisses.push(
                        `NetworkPolicy ${JSON.stringify(k8sName(np.props, np.name))}: ${coverage.shortfalls.join(", ")}`,
                    );
                }
            }
            if (ingress && egress) continue;
            const missing = [ingress ? undefined : "Ingress", egress ? undefined : "Egress"].filter(
                (d): d is string => d !== undefined,
            );
            const owner = namespaces.get(ns) ?? pods[0];
            const runs = few(pods.map((p) => `${kindOf(p.type)} ${JSON.stringify(k8sName(p.props, p.name))}`));
            reportViolation(
                `namespace ${JSON.stringify(ns)} runs pods (${runs}) but no NetworkPolicy in it denies all ${missing.join(" and ")} ` +
                    `by default${nearMisses.length > 0 ? ` (${nearMisses.join("; ")})` : ""}; add one with ` +
                    `podSelector {}, policyTypes ["Ingress", "Egress"] and no rules, then allow each flow of ` +
                    `the traffic matrix explicitly.`,
                owner.urn,
            );
        }
    },
};
