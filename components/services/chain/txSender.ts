/**
 * Tx-sender: devnet's steady load, one transaction every `intervalSeconds` (default 1) of
 * `amountWei` (default 10) from a generated account to a generated address, through besu's RPC
 * Service. Its private key and the recipient reach it only from its Secret (there is no plain-value
 * mode on any network). A Deployment of one pod: two senders would race each other for the
 * account's nonces; the rollout starts the new pod before it stops the old.
 *
 * The sending account must hold funds in the devnet genesis (the chain images carry it).
 */
import * as pulumi from "@pulumi/pulumi";
import { counter, MetricCatalog } from "../../k8s/metrics";
import { InClusterChain } from "../../config/chain";
import { ownSecret, PlatformService, ServiceDefinition } from "../platformService";
import { CHAIN_PORTS, CHAIN_SERVICE_NAMES, chainIdentity, ChainPlacement, httpProbes } from "./chainNode";

/** Keys of the tx-sender's Secret. */
export const TX_SENDER_SECRET_KEYS = { privateKey: "private-key", toAddress: "to-address" } as const;
/** The tx-sender's metrics (served on 9545). */
export const TX_SENDER_METRICS: MetricCatalog = {
    sent: counter("tx_sender_sent_total", "Transactions the sender submitted to besu."),
    failed: counter("tx_sender_failed_total", "Transactions besu refused or the sender could not submit."),
};

/** Arguments of {@link TxSender}. */
export interface TxSenderArgs extends ChainPlacement {
    /** The in-cluster chain's validated config (`chain`). */
    readonly chain: InClusterChain;
    /** The RPC it sends to: besu's Service URL (Besu's `rpcUrl`). */
    readonly rpcUrl: pulumi.Input<string>;
    /** The sending account's private key (32 bytes, hex), as a Pulumi secret. */
    readonly privateKey: pulumi.Input<string>;
    /** The recipient (20 bytes, hex), as a Pulumi secret. */
    readonly toAddress: pulumi.Input<string>;
}

/** The tx-sender's one description: a one-pod Deployment and its Secret (key and recipient). */
export function txSenderDefinition(args: TxSenderArgs): ServiceDefinition {
    const service = CHAIN_SERVICE_NAMES.txSender;
    const settings = args.chain.txSender;
    return {
        metrics: TX_SENDER_METRICS,
        workload: {
            ...chainIdentity(service, "txSender", args, settings),
            kind: "Deployment",
            replicas: 1,
            ports: [{ name: "metrics", containerPort: CHAIN_PORTS.metrics }],
            probes: httpProbes("metrics", "/metrics"),
            settings: {
                RPC_URL: args.rpcUrl,
                CHAIN_ID: String(args.chain.chainId),
                INTERVAL_SECONDS: String(settings.intervalSeconds),
                AMOUNT_WEI: String(settings.amountWei),
                METRICS_PORT: String(CHAIN_PORTS.metrics),
            },
            secretEnv: [
                { envName: "PRIVATE_KEY", secret: ownSecret(service, TX_SENDER_SECRET_KEYS.privateKey) },
                { envName: "TO_ADDRESS", secret: ownSecret(service, TX_SENDER_SECRET_KEYS.toAddress) },
            ],
        },
        secrets: {
            [TX_SENDER_SECRET_KEYS.privateKey]: args.privateKey,
            [TX_SENDER_SECRET_KEYS.toAddress]: args.toAddress,
        },
    };
}

/** devnet's transaction load. */
export class TxSender extends PlatformService {
    constructor(name: string, args: TxSenderArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:TxSender", name, txSenderDefinition(args), opts);
        this.registerOutputs(this.serviceOutputs());
    }
}
