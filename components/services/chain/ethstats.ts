/**
 * Ethstats: devnet's chain dashboard. The sequencer and the besu nodes report to it over
 * WebSocket with a shared secret; people watch it through the TLS ingress (`ethstats.<domain>`,
 * never a LoadBalancer). A Deployment of one pod: the server keeps the live view in memory, so a
 * second replica would only split the nodes' reports between two dashboards. A restart loses
 * nothing but that view (the nodes reconnect); the rollout starts the new pod before it stops the old.
 */
import * as pulumi from "@pulumi/pulumi";
import { counter, gauge, MetricCatalog } from "../../k8s/metrics";
import { InClusterChain } from "../../config/chain";
import { ownSecret, PlatformService, ServiceDefinition } from "../platformService";
import { CHAIN_PORTS, CHAIN_SERVICE_NAMES, chainIdentity, ChainPlacement, httpProbes } from "./chainNode";

/** The key of the reporting secret in ethstats' Secret. */
export const ETHSTATS_SECRET_KEY = "ws-secret";
/** Ethstats' metrics (its image serves these on 9545). */
export const ETHSTATS_METRICS: MetricCatalog = {
    nodesConnected: gauge("ethstats_nodes_connected", "Chain nodes reporting to the dashboard."),
    reports: counter("ethstats_reports_total", "Reports the dashboard received from nodes."),
};
/** Its public routes: the dashboard and the nodes' WebSocket, both on `http` (the ingress terminates TLS). */
export const ETHSTATS_ROUTES = [{ path: "/", pathType: "Prefix", port: "http" }] as const;

/** Arguments of {@link Ethstats}. */
export interface EthstatsArgs extends ChainPlacement {
    /** The in-cluster chain's validated config (`chain`). */
    readonly chain: InClusterChain;
    /** The secret the nodes report with, as a Pulumi secret (its Secrets Manager entry's value). */
    readonly wsSecret: pulumi.Input<string>;
}

/** Ethstats' one description: a one-pod Deployment and its Secret (the reporting secret). */
export function ethstatsDefinition(args: EthstatsArgs): ServiceDefinition {
    const service = CHAIN_SERVICE_NAMES.ethstats;
    return {
        metrics: ETHSTATS_METRICS,
        workload: {
            ...chainIdentity(service, "ethstats", args, args.chain.ethstats),
            kind: "Deployment",
            replicas: 1,
            ports: [
                { name: "http", containerPort: CHAIN_PORTS.ethstats },
                { name: "metrics", containerPort: CHAIN_PORTS.metrics },
            ],
            probes: httpProbes("http", "/"),
            settings: { PORT: String(CHAIN_PORTS.ethstats), METRICS_PORT: String(CHAIN_PORTS.metrics) },
            secretEnv: [{ envName: "WS_SECRET", secret: ownSecret(service, ETHSTATS_SECRET_KEY) }],
        },
        secrets: { [ETHSTATS_SECRET_KEY]: args.wsSecret },
    };
}

/**
 * Where a node reports: `<node>:<secret>@<service>.<namespace>.svc.cluster.local:3000`, the form
 * besu's `--ethstats` takes, as a Pulumi secret.
 */
export function ethstatsReportUrl(
    node: string,
    wsSecret: pulumi.Input<string>,
    serviceName: pulumi.Input<string>,
    namespace: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.interpolate`${node}:${wsSecret}@${serviceName}.${namespace}.svc.cluster.local:${CHAIN_PORTS.ethstats}`,
    );
}

/** devnet's chain dashboard. */
export class Ethstats extends PlatformService {
    constructor(name: string, args: EthstatsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:Ethstats", name, ethstatsDefinition(args), opts);
        this.registerOutputs(this.serviceOutputs());
    }
}
