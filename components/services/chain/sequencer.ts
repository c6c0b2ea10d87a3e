/**
 * Sequencer: devnet's block producer, a besu node that orders the transactions it receives over
 * P2P into blocks. A StatefulSet of exactly one pod with its own volume and its P2P key, read from
 * a read-only Secret file; metrics on 9545, probed there (over HTTP; liveness a TCP connect).
 *
 * A sequencer is a single writer: a second active replica would produce a competing chain (a
 * fork), so there is no replica knob and no HA is claimed. What it gets instead: a PDB with
 * `maxUnavailable: 0`, so no node drain or autoscaler evicts the only writer by accident (an
 * operator moves it on purpose: `kubectl delete pod sequencer-0`; a crash-looping pod may still be
 * evicted), fast recovery (the pod comes back on another node of the volume's zone and reopens its
 * database), and copies of its chain on the besu RPC nodes (P2P) and in the six-hourly export.
 */
import * as pulumi from "@pulumi/pulumi";
import { InClusterChain } from "../../config/chain";
import { ownSecret, PlatformService, ServiceDefinition } from "../platformService";
import {
    BESU_METRICS,
    CHAIN_DATA_DIR,
    CHAIN_PORTS,
    CHAIN_SERVICE_NAMES,
    chainIdentity,
    ChainPlacement,
    singleWriter,
    httpProbes,
    P2P_KEY,
    enodeUrl,
    podHost,
} from "./chainNode";

/** Seconds the sequencer gets to finish a block and close its database cleanly. */
export const SEQUENCER_TERMINATION_GRACE_SECONDS = 120;
/** The key of the ethstats reporting URL (`<node>:<secret>@<host>:<port>`) in a node's Secret. */
export const ETHSTATS_URL_KEY = "ethstats-url";

/** Arguments of {@link Sequencer}. */
export interface SequencerArgs extends ChainPlacement {
    /** The in-cluster chain's validated config (`chain`). */
    readonly chain: InClusterChain;
    /** The P2P private key (32 bytes, hex), as a Pulumi secret (its Secrets Manager entry's value). */
    readonly p2pKey: pulumi.Input<string>;
    /** Where the node reports to ethstats (`sequencer:<secret>@<host>:<port>`), as a Pulumi secret. */
    readonly ethstatsUrl: pulumi.Input<string>;
    /** `protect` the StatefulSet that owns the chain's volume. */
    readonly protect: boolean;
}

/** The besu settings of a chain node (besu reads every option as a `BESU_*` variable). */
export function besuNodeSettings(chainId: number, extra: Record<string, string> = {}): Record<string, string> {
    return {
        BESU_NETWORK_ID: String(chainId),
        BESU_DATA_PATH: CHAIN_DATA_DIR,
        BESU_P2P_PORT: String(CHAIN_PORTS.p2p),
        BESU_METRICS_ENABLED: "true",
        BESU_METRICS_HOST: "0.0.0.0",
        BESU_METRICS_PORT: String(CHAIN_PORTS.metrics),
        BESU_LOGGING: "INFO",
        ...extra,
    };
}

/** The sequencer's one description: a single-writer StatefulSet and its Secret (P2P key, ethstats URL). */
export function sequencerDefinition(args: SequencerArgs): ServiceDefinition {
    const service = CHAIN_SERVICE_NAMES.sequencer;
    const settings = args.chain.sequencer;
    return {
        metrics: BESU_METRICS,
        workload: {
            ...chainIdentity(service, "sequencer", args, settings),
            ...singleWriter(settings, args.chain.storageClass, args.protect),
            ports: [
                { name: "p2p", containerPort: CHAIN_PORTS.p2p },
                { name: "metrics", containerPort: CHAIN_PORTS.metrics },
            ],
            probes: httpProbes("metrics", "/metrics"),
            settings: besuNodeSettings(args.chain.chainId, { BESU_MINER_ENABLED: "true" }),
            containerArgs: [`--node-private-key-file=${P2P_KEY.path}`],
            secretFiles: [{ path: P2P_KEY.path, secret: ownSecret(service, P2P_KEY.secretKey) }],
            secretEnv: [{ envName: "BESU_ETHSTATS", secret: ownSecret(service, ETHSTATS_URL_KEY) }],
            terminationGracePeriodSeconds: SEQUENCER_TERMINATION_GRACE_SECONDS,
        },
        secrets: { [P2P_KEY.secretKey]: args.p2pKey, [ETHSTATS_URL_KEY]: args.ethstatsUrl },
    };
}

/** devnet's sequencer. */
export class Sequencer extends PlatformService {
    /** The enode URL the besu RPC nodes dial the sequencer by (its pod's stable DNS name, its P2P key's node ID). */
    public readonly enodeUrl: pulumi.Output<string>;

    constructor(name: string, args: SequencerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:Sequencer", name, sequencerDefinition(args), opts);
        this.enodeUrl = enodeUrl(args.p2pKey, podHost(CHAIN_SERVICE_NAMES.sequencer, args.namespace), CHAIN_PORTS.p2p);
        this.registerOutputs({ ...this.serviceOutputs(), metricsPort: this.metricsPort, enodeUrl: this.enodeUrl });
    }
}
