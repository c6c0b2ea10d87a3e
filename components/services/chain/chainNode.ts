/**
 * What devnet's chain components share: their names and ports, where a node keeps its data and
 * its P2P key, the identity and volume every chain Workload is built from, and the metrics each
 * declares for the monitoring block (components/k8s/monitoring.ts adds the ServiceMonitors).
 */
import * as pulumi from "@pulumi/pulumi";
import { createECDH } from "node:crypto";
import { gauge, MetricCatalog } from "../../k8s/metrics";
import { InClusterChain } from "../../config/chain";
import { WorkloadArgs, WorkloadProbes, WorkloadVolumeClaim } from "../../k8s/workload";
import { Network, PROJECT } from "../../network";
import { serviceIdentity, serviceProbes } from "../platformService";

/** The chain components by their `app.kubernetes.io/name`. */
export const CHAIN_SERVICE_NAMES = {
    sequencer: "sequencer",
    maru: "maru",
    besu: "besu",
    ethstats: "ethstats",
    txSender: "tx-sender",
} as const;

/** Every chain pod's `app.kubernetes.io/component`. */
export const CHAIN_COMPONENT = "chain";

/** The chain's ports: execution-layer P2P (devp2p), maru's P2P and API, JSON-RPC, WebSocket, metrics, ethstats. */
export const CHAIN_PORTS = {
    p2p: 30303,
    maruP2p: 9000,
    maruApi: 8080,
    rpc: 8545,
    ws: 8546,
    metrics: 9545,
    ethstats: 3000,
} as const;

/** Where a chain node keeps its database, on its own volume. */
export const CHAIN_DATA_DIR = "/data";
/** The Secret key of a node's P2P private key, and the read-only file the node reads it from. */
export const P2P_KEY = { secretKey: "p2p-key", path: "/keys/p2p/key" } as const;

/** Where a chain component runs and which stack file describes it. */
export interface ChainPlacement {
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** The stack file named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/** Metrics of a besu node (the sequencer is one too): chain height, peers, transaction pool. */
export const BESU_METRICS: MetricCatalog = {
    blockchainHeight: gauge("ethereum_blockchain_height", "The height of the node's canonical chain."),
    peerCount: gauge("ethereum_peer_count", "Peers the node is connected to over devp2p."),
    transactionPool: gauge("besu_transaction_pool_transactions", "Transactions waiting in the node's pool."),
};

/**
 * Who a chain component is: name, network, namespace, image, resources, the `chain` component
 * label, and the config path its problems name (`messaging-infra:chain.<configKey>`).
 */
export function chainIdentity(
    service: string,
    configKey: keyof InClusterChain,
    placement: ChainPlacement,
    settings: { readonly image: string; readonly resources: WorkloadArgs["resources"] },
): Pick<WorkloadArgs, "service" | "network" | "namespace" | "image" | "resources" | "component" | "configSource"> {
    return {
        ...serviceIdentity(service, configKey, placement, settings),
        component: CHAIN_COMPONENT,
        configSource: `${placement.stackFile ?? `Pulumi.${placement.network}.yaml`} (${PROJECT}:chain.${configKey})`,
    };
}

/**
 * A single writer's StatefulSet (the sequencer, maru): exactly one pod, never autoscaled, with a PDB
 * that no drain passes (`maxUnavailable: 0`: an operator moves it on purpose; a crash-looping pod may
 * still be evicted), its rollout partition and its data volume. No HA is claimed: a second writer
 * would fork the chain. Recovery is the pod coming back on its volume.
 */
export function singleWriter(
    settings: InClusterChain["sequencer" | "maru"],
    storageClass: string | undefined,
    protect: boolean,
): Pick<WorkloadArgs, "kind" | "replicas" | "maxUnavailable" | "partition" | "volumeClaims" | "protectVolumes"> {
    return {
        kind: "StatefulSet",
        replicas: settings.replicas,
        maxUnavailable: 0,
        partition: settings.partition,
        volumeClaims: [chainVolume(settings.volumeSize, storageClass)],
        protectVolumes: protect,
    };
}

/**
 * The probes of a node with one HTTP path on the named port: startup and readiness GET `path`,
 * liveness connects over TCP ({@link serviceProbes} of a service with one path: a node too busy to
 * answer is taken out of the Service, not restarted).
 */
export function httpProbes(port: string, path: string): WorkloadProbes {
    return serviceProbes(port, { health: path, ready: path });
}

/** A node's data volume at {@link CHAIN_DATA_DIR}, in the chain's storage class when one is set. */
export function chainVolume(size: string, storageClass: string | undefined): WorkloadVolumeClaim {
    return {
        name: "data",
        mountPath: CHAIN_DATA_DIR,
        size,
        ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
    };
}

/**
 * A devp2p node ID: the node's secp256k1 public key (64 bytes, hex, without the `04` prefix of the
 * uncompressed encoding), as besu derives it from its `--node-private-key-file`.
 */
export function enodeId(privateKeyHex: string): string {
    const ecdh = createECDH("secp256k1");
    ecdh.setPrivateKey(Buffer.from(privateKeyHex.replace(/^0x/, ""), "hex"));
    return ecdh.getPublicKey("hex", "uncompressed").slice(2);
}

/**
 * A node's enode URL, `enode://<id>@<host>:<port>`, which other nodes dial it by. Not a secret: a
 * public key reveals nothing of its private key, so it may sit in a ConfigMap (unsecret on purpose).
 */
export function enodeUrl(
    privateKey: pulumi.Input<string>,
    host: pulumi.Input<string>,
    port: number,
): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.interpolate`enode://${pulumi.output(privateKey).apply(enodeId)}@${host}:${port}`);
}

/** The stable DNS name of a StatefulSet pod through its headless Service: `<service>-<n>.<service>-headless.<ns>.svc.cluster.local`. */
export function podHost(service: string, namespace: pulumi.Input<string>, ordinal = 0): pulumi.Output<string> {
    return pulumi.interpolate`${service}-${ordinal}.${service}-headless.${namespace}.svc.cluster.local`;
}
