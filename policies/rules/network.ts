/**
 * Network exposure: Services stay inside the cluster unless config allows otherwise, never claim
 * external IPs, and every Ingress host is served over TLS.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asRecord, defaultEnforcement, K8S, keyPath, show, validateTypes } from "./util";

/** Config of {@link serviceTypeAllowed}. */
export interface ServiceTypeConfig {
    allowedServiceTypes: string[];
}

/** Services are of an allowed type (ClusterIP only, by default). */
export const serviceTypeAllowed: ResourceValidationPolicy = {
    name: "service-type-allowed",
    description:
        "A Service's type (ClusterIP when unset) must be one of `allowedServiceTypes` (default " +
        '["ClusterIP"]), because NodePort and LoadBalancer Services expose pods outside the ' +
        "ingress, its TLS and its rate limits.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "network"],
    configSchema: {
        properties: {
            allowedServiceTypes: {
                type: "array",
                items: { type: "string", enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] },
                uniqueItems: true,
                default: ["ClusterIP"],
                description: "Service types a Service may have.",
            },
        },
    },
    validateResource: validateTypes([K8S.Service], (args, reportViolation) => {
        const allowed = args.getConfig<ServiceTypeConfig>().allowedServiceTypes ?? ["ClusterIP"];
        const type = asRecord(args.props.spec)?.type;
        const effective = typeof type === "string" && type !== "" ? type : "ClusterIP";
        if (!allowed.includes(effective)) {
            reportViolation(
                `spec.type is ${effective === type ? show(type) : `${show(type)} (${effective})`}; use one ` +
                    `of ${show(allowed)} (policy config allowedServiceTypes) and reach the pods through the ` +
                    `ingress: a ${effective} Service is reachable from outside the cluster without the ` +
                    `ingress's TLS and limits.`,
            );
        }
    }),
};

/** Services claim no external IPs. */
export const serviceNoExternalIps: ResourceValidationPolicy = {
    name: "service-no-external-ips",
    description:
        "A Service must not set spec.externalIPs, because any Service can claim any address that way and intercept traffic meant for it (CVE-2020-8554).",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "network"],
    validateResource: validateTypes([K8S.Service], (args, reportViolation) => {
        const ips = asRecord(args.props.spec)?.externalIPs;
        if (asArray(ips).length > 0) {
            reportViolation(
                `spec.externalIPs is ${show(ips)}; remove it and publish the Service through the ingress: ` +
                    `external IPs let a Service capture traffic for any address (CVE-2020-8554).`,
            );
        }
    }),
};

/** Whether a TLS host entry (exact, or `*.domain` covering one label) covers a rule host. */
export function tlsCovers(tlsHost: string, host: string): boolean {
    const a = tlsHost.toLowerCase();
    const b = host.toLowerCase();
    if (a === b) return true;
    if (!a.startsWith("*.")) return false;
    const dot = b.indexOf(".");
    return dot > 0 && b.slice(dot + 1) === a.slice(2);
}

/** Messages for every Ingress rule host not covered by the Ingress's TLS entries. */
export function ingressTlsProblems(props: Record<string, unknown>): string[] {
    const spec = asRecord(props.spec) ?? {};
    const tlsHosts = asArray(spec.tls)
        .flatMap((entry) => asArray<unknown>(asRecord(entry)?.hosts))
        .filter((h): h is string => typeof h === "string");
    const messages: string[] = [];
    asArray(spec.rules).forEach((rule, index) => {
        const host = asRecord(rule)?.host;
        if (typeof host !== "string" || host === "") {
            messages.push(
                `spec.rules[${index}].host is ${show(host)}; name the host so TLS can cover it: a rule ` +
                    `without a host answers any Host header, over plain HTTP too.`,
            );
        } else if (!tlsHosts.some((t) => tlsCovers(t, host))) {
            messages.push(
                `spec.rules[${index}].host is ${show(host)} but spec.tls covers ${show(tlsHosts)}; add ${show(host)} ` +
                    `to a spec.tls[].hosts entry (with the secretName of its certificate) so the host is never ` +
                    `served over plain HTTP.`,
            );
        }
    });
    return messages;
}

/** Every Ingress host is covered by the Ingress's TLS. */
export const ingressTlsAllHosts: ResourceValidationPolicy = {
    name: "ingress-tls-all-hosts",
    description:
        "Every rule of an Ingress (networking.k8s.io/v1) must name a host, and every host must be " +
        "covered by the Ingress's spec.tls hosts (exactly or by a one-label wildcard), so clients " +
        "only ever reach the platform over HTTPS.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "network"],
    validateResource: validateTypes([K8S.Ingress], (args, reportViolation) => {
        ingressTlsProblems(args.props).forEach((m) => reportViolation(m));
    }),
};

/** An Ingress answers only the hosts and paths it names: no default backend. */
export const ingressNoDefaultBackend: ResourceValidationPolicy = {
    name: "ingress-no-default-backend",
    description:
        "An Ingress must not set spec.defaultBackend, so a request for any other host or path gets the " +
        "controller's 404 instead of reaching a service (a default backend also answers without TLS for " +
        "hosts no spec.tls entry covers).",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "network"],
    validateResource: validateTypes([K8S.Ingress], (args, reportViolation) => {
        const backend = asRecord(args.props.spec)?.defaultBackend;
        if (backend !== undefined && backend !== null) {
            reportViolation(
                `spec.defaultBackend is ${show(backend)}; remove it and route only named hosts and paths, so ` +
                    `unknown hosts get the controller's 404 rather than this service.`,
            );
        }
    }),
};

/** Annotations whose value ingress-nginx pastes into its nginx configuration. */
export function isSnippetAnnotation(key: string): boolean {
    return /(^|\/)[a-z0-9-]*snippet$/.test(key);
}

/** No Ingress carries a configuration snippet. */
export const ingressNoSnippetAnnotations: ResourceValidationPolicy = {
    name: "ingress-no-snippet-annotations",
    description:
        "An Ingress must carry no *-snippet annotation (configuration-snippet, server-snippet, " +
        "auth-snippet, stream-snippet, ...), because ingress-nginx pastes their value into its own " +
        "nginx configuration, which lets whoever writes an Ingress read the controller's secrets " +
        "(CVE-2021-25742) and bypass every other rule.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "network"],
    validateResource: validateTypes([K8S.Ingress], (args, reportViolation) => {
        const annotations = asRecord(asRecord(args.props.metadata)?.annotations) ?? {};
        for (const key of Object.keys(annotations).filter(isSnippetAnnotation).sort()) {
            reportViolation(
                `metadata.annotations${keyPath(key)} is set; remove it and use the controller's dedicated ` +
                    `annotations (timeouts, body size, affinity, redirects): a snippet injects raw nginx configuration.`,
            );
        }
    }),
};

/** The network group. */
export const networkPolicies: readonly ResourceValidationPolicy[] = [
    serviceTypeAllowed,
    serviceNoExternalIps,
    ingressTlsAllHosts,
    ingressNoDefaultBackend,
    ingressNoSnippetAnnotations,
];
