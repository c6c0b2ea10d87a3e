/**
 * Maru: devnet's consensus client, which finalises the sequencer's blocks and gossips them to its
 * peers. A StatefulSet of exactly one pod with its own volume and its P2P key (its identity on
 * the consensus network), read from a read-only Secret file; metrics on 9545. Its API on 8080
 * answers no HTTP health path, so it is probed by a TCP connect.
 *
 * Like the sequencer it is a single writer (one validator; a second would sign competing blocks),
 * so it gets a PDB with `maxUnavailable: 0` and recovery from its volume instead of replicas.
 */
import * as pulumi from "@pulumi/pulumi";
import { gauge, MetricCatalog } from "../../k8s/metrics";
import { InClusterChain } from "../../config/chain";
import { ownSecret, PlatformService, ServiceDefinition } from "../platformService";
import {
    CHAIN_DATA_DIR,
    CHAIN_PORTS,
    CHAIN_SERVICE_NAMES,
    chainIdentity,
    ChainPlacement,
    singleWriter,
    P2P_KEY,
    podHost,
} from "./chainNode";

/** Maru's metrics (its image serves these on 9545). */
export const MARU_METRICS: MetricCatalog = {
    consensusBlockHeight: gauge("maru_consensus_block_height", "The height of the consensus chain maru follows."),
    p2pPeers: gauge("maru_p2p_peers", "Peers maru is connected to on the consensus network."),
};

/** Arguments of {@link Maru}. */
export interface MaruArgs extends ChainPlacement {
    /** The in-cluster chain's validated config (`chain`). */
    readonly chain: InClusterChain;
    /** The P2P private key (32 bytes, hex), as a Pulumi secret (its Secrets Manager entry's value). */
    readonly p2pKey: pulumi.Input<string>;
    /** `protect` the StatefulSet that owns its volume. */
    readonly protect: boolean;
}

/** Maru's settings: chain, data and key paths, its ports, and the execution-layer peers it follows. */
export function maruSettings(args: Pick<MaruArgs, "chain" | "namespace">): Record<string, pulumi.Input<string>> {
    return {
        MARU_CHAIN_ID: String(args.chain.chainId),
        MARU_DATA_PATH: CHAIN_DATA_DIR,
        MARU_P2P_KEY_PATH: P2P_KEY.path,
        MARU_P2P_PORT: String(CHAIN_PORTS.maruP2p),
        MARU_API_PORT: String(CHAIN_PORTS.maruApi),
        MARU_METRICS_PORT: String(CHAIN_PORTS.metrics),
        MARU_SEQUENCER_P2P: pulumi.interpolate`${podHost(CHAIN_SERVICE_NAMES.sequencer, args.namespace)}:${CHAIN_PORTS.p2p}`,
    };
}

/** Maru's one description: a single-writer StatefulSet probed over TCP, and its Secret (the P2P key). */
export function maruDefinition(args: MaruArgs): ServiceDefinition {
    const service = CHAIN_SERVICE_NAMES.maru;
    const settings = args.chain.maru;
    return {
        metrics: MARU_METRICS,
        workload: {
            ...chainIdentity(service, "maru", args, settings),
            ...singleWriter(settings, args.chain.storageClass, args.protect),
            ports: [
                { name: "p2p", containerPort: CHAIN_PORTS.maruP2p },
                { name: "api", containerPort: CHAIN_PORTS.maruApi },
                { name: "metrics", containerPort: CHAIN_PORTS.metrics },
            ],
            // No HTTP health path: readiness connects to the API, liveness to the metrics server, so a
            // busy API takes the pod out of the Service without restarting it.
            probes: {
                port: "api",
                startup: { tcp: true },
                readiness: { tcp: true },
                liveness: { tcp: true, port: "metrics" },
            },
            settings: maruSettings(args),
            secretFiles: [{ path: P2P_KEY.path, secret: ownSecret(service, P2P_KEY.secretKey) }],
        },
        secrets: { [P2P_KEY.secretKey]: args.p2pKey },
    };
}

/** devnet's consensus client. */
export class Maru extends PlatformService {
    constructor(name: string, args: MaruArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:Maru", name, maruDefinition(args), opts);
        this.registerOutputs({ ...this.serviceOutputs(), metricsPort: this.metricsPort });
    }
}
