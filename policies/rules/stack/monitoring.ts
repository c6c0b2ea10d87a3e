/**
 * Metrics scraped: every workload that serves metrics (a container port named `metrics`, or a pod
 * template annotated `prometheus.io/scrape: "true"` with `prometheus.io/port`) is scraped by a
 * `monitoring.coreos.com/v1` ServiceMonitor, through a Service that selects its pods and serves that
 * port, named by one of the ServiceMonitor's endpoints.
 *
 * When monitoring counts as enabled: in a namespace where any ServiceMonitor exists (or that a
 * ServiceMonitor's namespaceSelector names), since a network that ships one means to be scraped;
 * and everywhere with config `requireMonitoring: true` (testnet and mainnet), so a stack that
 * turned monitoring off there is flagged rather than silently unwatched.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { podTemplateOf } from "../pods";
import {
    asArray,
    asRecord,
    defaultEnforcement,
    describeK8s,
    exemptListSchema,
    isExempt,
    K8S,
    k8sName,
    k8sNamespace,
    quoteList,
    selectorMatches,
} from "../util";

/** The Prometheus operator's ServiceMonitor. */
export const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";

/** Config of {@link workloadMetricsScraped}. */
export interface MetricsScrapedConfig {
    /** Every namespace must be scraped, whether or not a ServiceMonitor exists there. */
    requireMonitoring: boolean;
    exempt: string[];
}

const WORKLOAD_KINDS: readonly string[] = [K8S.Deployment, K8S.StatefulSet, K8S.DaemonSet];

/** The port a workload serves metrics on: its name (if any) and number. */
interface MetricsPort {
    name?: string;
    number: number;
}

/** The metrics port of a pod template: the scrape annotation's port, else the container port named `metrics`. */
export function metricsPortOf(r: PolicyResource): MetricsPort | undefined {
    const pod = podTemplateOf(r.type, r.props);
    if (!pod) return undefined;
    const ports = (pod.spec.containers ?? []).flatMap((c) => c.ports ?? []);
    const annotations = pod.metadata.annotations ?? {};
    if (annotations["prometheus.io/scrape"] === "true") {
        const number = Number(annotations["prometheus.io/port"]);
        if (Number.isInteger(number) && number > 0) {
            return { name: ports.find((p) => p.containerPort === number)?.name, number };
        }
    }
    const named = ports.find((p) => p.name === "metrics" && typeof p.containerPort === "number");
    return named ? { name: "metrics", number: named.containerPort as number } : undefined;
}

/** The Service ports that reach the metrics port (by target name or number, or by port number without a target). */
function servicePortsFor(service: PolicyResource, port: MetricsPort): string[] {
    return asArray<Record<string, unknown>>(asRecord(service.props.spec)?.ports)
        .filter((p) => {
            const target = p.targetPort ?? p.port;
            return target === port.number || (port.name !== undefined && target === port.name);
        })
        .map((p) => (typeof p.name === "string" ? p.name : ""));
}

/** Whether a ServiceMonitor looks for Services in a namespace: its own, or what its namespaceSelector names. */
function watches(monitor: PolicyResource, ns: string): boolean {
    const selector = asRecord(asRecord(monitor.props.spec)?.namespaceSelector);
    if (selector?.any === true) return true;
    const names = asArray<string>(selector?.matchNames);
    return names.length > 0 ? names.includes(ns) : k8sNamespace(monitor.props, monitor.provider) === ns;
}

const endpointPorts = (monitor: PolicyResource) =>
    asArray<Record<string, unknown>>(asRecord(monitor.props.spec)?.endpoints).map((e) => e.port);

/** Every workload with a metrics port is scraped by a ServiceMonitor, where monitoring is enabled. */
export const workloadMetricsScraped: StackValidationPolicy = {
    name: "workload-metrics-scraped",
    description:
        "Every Deployment, StatefulSet or DaemonSet that serves metrics (a container port named metrics, or the " +
        "prometheus.io/scrape annotation) needs a ServiceMonitor (monitoring.coreos.com/v1) selecting a Service " +
        "that selects its pods, with an endpoint naming the Service's port for it, so its alerts and dashboards " +
        "are fed. It applies where a ServiceMonitor exists in the namespace, and everywhere with requireMonitoring.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    configSchema: {
        properties: {
            requireMonitoring: {
                type: "boolean",
                default: false,
                description: "Check every namespace, not only those where a ServiceMonitor exists.",
            },
            exempt: exemptListSchema("workloads whose metrics nobody scrapes"),
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<MetricsScrapedConfig>();
        const exempt = new Set(config.exempt ?? []);
        const monitors = args.resources.filter((r) => r.type === SERVICE_MONITOR);
        const services = args.resources.filter((r) => r.type === K8S.Service);
        for (const r of args.resources) {
            if (!WORKLOAD_KINDS.includes(r.type)) continue;
            const ns = k8sNamespace(r.props, r.provider);
            const port = metricsPortOf(r);
            if (!port || isExempt(exempt, ns, k8sName(r.props, r.name))) continue;
            const watching = monitors.filter((m) => watches(m, ns));
            if (!config.requireMonitoring && watching.length === 0) continue;
            const labels = (podTemplateOf(r.type, r.props)?.metadata.labels ?? {}) as Record<string, string>;
            const serves = services
                .filter((s) => k8sNamespace(s.props, s.provider) === ns)
                .map((s) => ({ service: s, ports: servicePortsFor(s, port) }))
                .filter(({ service, ports }) => {
                    const selector = asRecord(asRecord(service.props.spec)?.selector);
                    return ports.length > 0 && selector && selectorMatches({ matchLabels: selector }, labels);
                });
            const what = `${describeK8s(r)} serves metrics on port ${port.name ? `"${port.name}" ` : ""}${port.number}`;
            if (serves.length === 0) {
                reportViolation(
                    `${what} but no Service in ${JSON.stringify(ns)} selects its pods on that port; add one, and a ` +
                        "ServiceMonitor that scrapes it, so its metrics reach Prometheus.",
                    r.urn,
                );
                continue;
            }
            const selecting = watching.filter((m) =>
                serves.some(({ service }) =>
                    selectorMatches(
                        asRecord(m.props.spec)?.selector,
                        (asRecord(asRecord(service.props.metadata)?.labels) as Record<string, string>) ?? {},
                    ),
                ),
            );
            const names = serves.map(({ service }) => k8sName(service.props, service.name));
            if (selecting.length === 0) {
                reportViolation(
                    `${what} but no ServiceMonitor (monitoring.coreos.com/v1) watching ${JSON.stringify(ns)} selects ` +
                        `Service ${quoteList(names)}; add one whose spec.selector matches the Service's labels, so its ` +
                        "metrics reach Prometheus.",
                    r.urn,
                );
                continue;
            }
            const portNames = new Set(serves.flatMap(({ ports }) => ports));
            if (!selecting.some((m) => endpointPorts(m).some((p) => typeof p === "string" && portNames.has(p)))) {
                reportViolation(
                    `${what} but no endpoint of ServiceMonitor ${quoteList(selecting.map((m) => k8sName(m.props, m.name)))} ` +
                        `names the Service port ${quoteList([...portNames])}; set spec.endpoints[].port to it, so that ` +
                        "port is what Prometheus scrapes.",
                    r.urn,
                );
            }
        }
    },
};
