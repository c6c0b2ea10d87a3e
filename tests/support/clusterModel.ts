/**
 * Builds the NetworkPolicy evaluator's view of a cluster from what a stack registered: the
 * network's namespace, pods from every pod-bearing workload (with their template labels and
 * container ports), every NetworkPolicy, plus the world around it (other namespaces, kube-dns,
 * addresses outside the cluster) that a test describes.
 */
import { RecordedResource } from "../../harness/mockEngine";
import { Cluster, ContainerPort, ExternalPeer, Namespace, NetworkPolicy, Pod } from "./networkPolicyEvaluator";

interface PodTemplate {
    metadata?: { labels?: Record<string, string> };
    spec?: { containers?: { ports?: ContainerPort[] }[]; initContainers?: unknown[] };
}

/** Where a workload kind keeps its pod template and how many pods it runs. */
function podTemplate(resource: RecordedResource): { template: PodTemplate; replicas: number } | undefined {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registered inputs are untyped JSON
    const inputs = resource.inputs as any;
    switch (resource.type) {
        case "kubernetes:apps/v1:Deployment":
        case "kubernetes:apps/v1:StatefulSet":
            return { template: inputs.spec?.template ?? {}, replicas: inputs.spec?.replicas ?? 1 };
        case "kubernetes:batch/v1:CronJob":
            return { template: inputs.spec?.jobTemplate?.spec?.template ?? {}, replicas: 1 };
        case "kubernetes:batch/v1:Job":
            return { template: inputs.spec?.template ?? {}, replicas: 1 };
        default:
            return undefined;
    }
}

/**
 * The pods a stack's workloads would run: at most two per workload (enough to see whether
 * replicas of one service may talk to each other), named `<workload>-<i>`.
 */
export function podsOf(resources: readonly RecordedResource[]): Pod[] {
    const pods: Pod[] = [];
    for (const resource of resources) {
        const found = podTemplate(resource);
        if (!found) continue;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registered inputs are untyped JSON
        const metadata = (resource.inputs as any).metadata ?? {};
        const ports = (found.template.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
        for (let i = 0; i < Math.min(found.replicas, 2); i++) {
            pods.push({
                namespace: metadata.namespace,
                name: `${metadata.name ?? resource.name}-${i}`,
                labels: found.template.metadata?.labels ?? {},
                ports,
            });
        }
    }
    return pods;
}

/** Every NetworkPolicy the stack registered, as the API object. */
export function networkPoliciesOf(resources: readonly RecordedResource[]): NetworkPolicy[] {
    return resources
        .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => r.inputs as NetworkPolicy);
}

/** The world around the stack's namespace that a reachability test adds. */
export interface SurroundingCluster {
    namespaces: Namespace[];
    pods: Pod[];
    externalPeers: ExternalPeer[];
}

/** The evaluator's cluster: the stack's namespaces, pods and policies plus the surroundings. */
export function clusterOf(resources: readonly RecordedResource[], surroundings: SurroundingCluster): Cluster {
    const namespaces: Namespace[] = resources
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registered inputs are untyped JSON
        .map((r) => ({ name: (r.inputs as any).metadata.name, labels: (r.inputs as any).metadata.labels }));
    return {
        namespaces: [...namespaces, ...surroundings.namespaces],
        pods: [...podsOf(resources), ...surroundings.pods],
        policies: networkPoliciesOf(resources),
        externalPeers: surroundings.externalPeers,
    };
}
