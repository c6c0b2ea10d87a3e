/**
 * Besu: devnet's RPC nodes, the L2 RPC the relay and the tx-sender use (JSON-RPC 8545, WebSocket
 * 8546). A StatefulSet whose every replica keeps its own full copy of the chain on its own volume
 * (synced from the sequencer over P2P, dialled by its enode URL; each replica generates its own P2P
 * identity on first start), probed on besu's own `/liveness` and `/readiness` endpoints, an HPA
 * from 1 to 3 replicas on CPU and memory (70 %), a PDB
 * that lets one pod go at a time, and a zone spread as soon as it may run more than one pod.
 *
 * Read replicas can scale: they never produce blocks, and a transaction sent to any of them is
 * gossiped to the sequencer. A new replica serves once it has synced, which its readiness probe
 * waits for. Its RPC stays inside the cluster (the relay, the tx-sender and the chain backup).
 */
import * as pulumi from "@pulumi/pulumi";
import { InClusterChain } from "../../config/chain";
import { WorkloadProbes } from "../../k8s/workload";
import { ownSecret, PlatformService, ServiceDefinition } from "../platformService";
import {
    BESU_METRICS,
    CHAIN_PORTS,
    CHAIN_SERVICE_NAMES,
    chainIdentity,
    ChainPlacement,
    chainVolume,
} from "./chainNode";
import { besuNodeSettings, ETHSTATS_URL_KEY } from "./sequencer";

/** The JSON-RPC APIs besu serves: reads and transactions, and DEBUG for the chain export's raw blocks. */
export const BESU_RPC_APIS = ["ETH", "NET", "WEB3", "TXPOOL", "DEBUG"] as const;

/** Arguments of {@link Besu}. */
export interface BesuArgs extends ChainPlacement {
    /** The in-cluster chain's validated config (`chain`). */
    readonly chain: InClusterChain;
    /** Where the nodes report to ethstats (`besu:<secret>@<host>:<port>`), as a Pulumi secret. */
    readonly ethstatsUrl: pulumi.Input<string>;
    /** The enode URLs the nodes sync from (the sequencer's, {@link Sequencer.enodeUrl}). */
    readonly bootnodes: readonly pulumi.Input<string>[];
    /** `protect` the StatefulSet that owns the replicas' volumes. */
    readonly protect: boolean;
}

/**
 * Besu's command-line flags: the bootnodes name pods by DNS (their IPs change on every restart),
 * which besu resolves only with its DNS support on, re-resolving when a pod moves.
 */
export const BESU_DNS_FLAGS = ["--Xdns-enabled=true", "--Xdns-update-enabled=true"] as const;

/**
 * Besu's own health endpoints on its JSON-RPC port: `/liveness` (the process answers) for startup
 * and liveness, `/readiness` for readiness, which besu fails while the node has no peer or is
 * more than two blocks behind it. An RPC node cut off from the sequencer serves a stale chain and
 * its transactions reach no block producer, so it leaves the Service until it has caught up.
 */
export const BESU_RPC_PROBES: WorkloadProbes = {
    port: "rpc",
    startup: { path: "/liveness" },
    readiness: { path: "/readiness" },
    liveness: { path: "/liveness" },
};

/** Besu's settings: a full node following the sequencer, serving JSON-RPC and WebSocket on every interface. */
export function besuSettings(args: Pick<BesuArgs, "chain" | "bootnodes">): Record<string, pulumi.Input<string>> {
    return {
        ...besuNodeSettings(args.chain.chainId, {
            BESU_SYNC_MODE: "FULL",
            BESU_RPC_HTTP_ENABLED: "true",
            BESU_RPC_HTTP_HOST: "0.0.0.0",
            BESU_RPC_HTTP_PORT: String(CHAIN_PORTS.rpc),
            BESU_RPC_HTTP_API: BESU_RPC_APIS.join(","),
            BESU_RPC_WS_ENABLED: "true",
            BESU_RPC_WS_HOST: "0.0.0.0",
            BESU_RPC_WS_PORT: String(CHAIN_PORTS.ws),
            BESU_RPC_WS_API: BESU_RPC_APIS.join(","),
            // Clients reach it by its Service's DNS name; the network policies decide who may.
            BESU_HOST_ALLOWLIST: "*",
        }),
        BESU_BOOTNODES: pulumi.all([...args.bootnodes]).apply((urls) => urls.join(",")),
    };
}

/** Besu's one description: an autoscaled StatefulSet of read replicas and its Secret (the ethstats URL). */
export function besuDefinition(args: BesuArgs): ServiceDefinition {
    const service = CHAIN_SERVICE_NAMES.besu;
    const settings = args.chain.besu;
    return {
        metrics: BESU_METRICS,
        workload: {
            ...chainIdentity(service, "besu", args, settings),
            kind: "StatefulSet",
            // Replicas sync on their own: start and stop them together.
            podManagementPolicy: "Parallel",
            replicas: settings.autoscaling.minReplicas,
            autoscaling: settings.autoscaling,
            // A PDB from the first pod: the HPA may run three, and a drain takes one at a time.
            maxUnavailable: 1,
            partition: settings.partition,
            volumeClaims: [chainVolume(settings.volumeSize, args.chain.storageClass)],
            protectVolumes: args.protect,
            ports: [
                { name: "rpc", containerPort: CHAIN_PORTS.rpc },
                { name: "ws", containerPort: CHAIN_PORTS.ws },
                { name: "p2p", containerPort: CHAIN_PORTS.p2p },
                { name: "metrics", containerPort: CHAIN_PORTS.metrics },
            ],
            probes: BESU_RPC_PROBES,
            settings: besuSettings(args),
            containerArgs: [...BESU_DNS_FLAGS],
            secretEnv: [{ envName: "BESU_ETHSTATS", secret: ownSecret(service, ETHSTATS_URL_KEY) }],
        },
        secrets: { [ETHSTATS_URL_KEY]: args.ethstatsUrl },
    };
}

/** devnet's besu RPC nodes. */
export class Besu extends PlatformService {
    /** The JSON-RPC URL of the Service: `http://<service>.<namespace>.svc.cluster.local:8545`. */
    public readonly rpcUrl: pulumi.Output<string>;
    /** The WebSocket URL of the Service: `ws://<service>.<namespace>.svc.cluster.local:8546`. */
    public readonly wsUrl: pulumi.Output<string>;

    constructor(name: string, args: BesuArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:Besu", name, besuDefinition(args), opts);
        this.rpcUrl = this.clusterUrl(args.namespace, "rpc");
        this.wsUrl = pulumi.interpolate`ws://${this.serviceName}.${args.namespace}.svc.cluster.local:${this.ports.ws}`;
        this.registerOutputs({ ...this.serviceOutputs(), rpcUrl: this.rpcUrl, wsUrl: this.wsUrl });
    }
}
