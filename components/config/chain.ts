/**
 * The L2 chain a network's relays read (`messaging-infra:chain`): devnet runs its own in the cluster
 * (`mode: in-cluster`: sequencer, maru, besu RPC, ethstats and tx-sender, each with its pinned
 * image, volume, resources and rollout), testnet and mainnet use a public RPC (`mode: external`).
 * Which network may run which mode is a cross-field rule (problems.ts).
 */
import { z } from "zod";
import {
    bytes,
    cidrs,
    dnsLabel,
    evmAddress,
    hpaMinReplicasAllowed,
    httpUrl,
    image,
    int,
    port,
    resourcesSchema,
} from "./fields";

/** The most besu RPC replicas an HPA may run. */
export const MAX_BESU_REPLICAS = 10;

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) =>
    resourcesSchema.default({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

/** A StatefulSet's rollout partition: ordinals >= partition roll to a new revision. */
const partition = (max: number, what: string) => int(0, max, what).default(0);

/** A single-writer chain node (sequencer, maru): one pod, its volume, its rollout. */
const singleWriter = (role: string, volumeSize: string) =>
    z.strictObject({
        image,
        replicas: z
            .literal(1, { error: `1: the ${role} is the chain's single writer; a second replica would fork the chain` })
            .default(1),
        volumeSize: bytes.default(volumeSize),
        resources: resources("250m", "1Gi", "1", "2Gi"),
        partition: partition(1, "0 (roll the pod on the next update) or 1 (hold the rollout)"),
    });

const besuAutoscaling = z
    .strictObject({
        minReplicas: int(1, MAX_BESU_REPLICAS).default(1),
        maxReplicas: int(1, MAX_BESU_REPLICAS).default(3),
        targetCpuUtilization: int(1, 100, "a CPU utilisation percentage from 1 to 100").default(70),
        targetMemoryUtilization: int(1, 100, "a memory utilisation percentage from 1 to 100").default(70),
    })
    .default({ minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 70, targetMemoryUtilization: 70 });

/** devnet's own chain: every component's pinned image and knobs, one storage class for its volumes. */
const inClusterSchema = z.strictObject({
    mode: z.literal("in-cluster"),
    chainId: int(1, Number.MAX_SAFE_INTEGER),
    keyRegistryAddress: evmAddress,
    messageNodeRegistryAddress: evmAddress,
    /** The StorageClass of every chain volume. Default: the cluster's default class. */
    storageClass: dnsLabel.optional(),
    sequencer: singleWriter("sequencer", "50Gi"),
    maru: singleWriter("maru consensus client", "10Gi"),
    besu: z.strictObject({
        image,
        volumeSize: bytes.default("50Gi"),
        resources: resources("500m", "2Gi", "2", "4Gi"),
        autoscaling: besuAutoscaling,
        partition: partition(
            MAX_BESU_REPLICAS,
            `an integer from 0 to ${MAX_BESU_REPLICAS} (<= autoscaling.maxReplicas)`,
        ),
    }),
    ethstats: z.strictObject({ image, resources: resources("50m", "128Mi", "250m", "256Mi") }),
    txSender: z.strictObject({
        image,
        resources: resources("50m", "64Mi", "250m", "128Mi"),
        intervalSeconds: int(1, 3600, "an integer from 1 to 3600 (seconds between transactions)").default(1),
        amountWei: int(1, Number.MAX_SAFE_INTEGER, "an integer number of wei from 1 to 9007199254740991").default(10),
    }),
});

/** `mode: in-cluster` (devnet's own chain) or `mode: external` (a public L2 RPC and its CIDRs). */
export const chainSchema = z.discriminatedUnion(
    "mode",
    [
        inClusterSchema,
        z.strictObject({
            mode: z.literal("external"),
            chainId: int(1, Number.MAX_SAFE_INTEGER),
            rpcUrl: httpUrl,
            rpcCidrs: cidrs,
            rpcPort: port.default(443),
            keyRegistryAddress: evmAddress,
            messageNodeRegistryAddress: evmAddress,
        }),
    ],
    { error: "mode: in-cluster (devnet runs its own chain) or external (an L2 RPC URL and its CIDRs)" },
);

/** The validated in-cluster chain, as the chain stack consumes it. */
export type InClusterChain = z.output<typeof inClusterSchema>;

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const at = (raw: Record<string, unknown>, ...path: string[]): unknown =>
    path.reduce<unknown>(
        (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        raw,
    );

/**
 * The in-cluster chain's rules that span fields: besu's HPA bounds the right way round (min below max) and its
 * partition within them. (`mode: in-cluster` outside devnet is the network posture rule's.)
 */
export function inClusterChainRule(raw: Record<string, unknown>, add: (path: string, allowed: string) => void): void {
    if (at(raw, "chain", "mode") !== "in-cluster") return;
    const min = at(raw, "chain", "besu", "autoscaling", "minReplicas");
    const max = at(raw, "chain", "besu", "autoscaling", "maxReplicas") ?? 3;
    const besuPartition = at(raw, "chain", "besu", "partition");
    if (isInt(min) && isInt(max) && min >= max) {
        add("chain.besu.autoscaling.minReplicas", hpaMinReplicasAllowed(max));
    }
    if (isInt(besuPartition) && isInt(max) && besuPartition > max && besuPartition <= MAX_BESU_REPLICAS) {
        add("chain.besu.partition", `an integer from 0 to autoscaling.maxReplicas (${max}); ${max} holds the rollout`);
    }
}
