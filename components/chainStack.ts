/**
 * devnet's L2 chain in the cluster, composed: the sequencer (the single writer), maru (consensus),
 * the besu RPC nodes (the L2 RPC of the relay and the tx-sender), ethstats behind its TLS ingress,
 * the tx-sender, and the chain's six-hourly export into the network's backup bucket with its
 * restore check. Everything runs in the platform's PSA-restricted namespace, under its quota and
 * default deny. The platform calls {@link chainStack} once, for `chain.mode: in-cluster` only.
 *
 * Backups: every node's database is open, ReadWriteOnce, in its own pod, so no job can copy a
 * volume consistently. The blocks are the chain, immutable once written and served by every besu
 * node, so `chain-backup` exports them over besu's RPC (labelled as besu's backup for the policy
 * pack), and `chain-restore` proves the latest export complete and importable. The sequencer's and
 * maru's volumes hold the same chain: they re-sync it over P2P (or import the export), a reviewed
 * exemption in policies/config/devnet.json.
 */
import * as pulumi from "@pulumi/pulumi";
import { IrsaCluster, IrsaRole } from "./aws/irsaRole";
import { Grant } from "./aws/irsaGrants";
import { NetworkConfig } from "./config";
import { InClusterChain } from "./config/chain";
import { BackupCronJob } from "./k8s/backupCronJob";
import { PublicEndpoint } from "./k8s/ingress";
import { PROJECT } from "./network";
import { CHAIN_BACKUP, ChainSecretPurpose, RoleAccount } from "./platformSecrets";
import { Besu } from "./services/chain/besu";
import { CHAIN_SERVICE_NAMES } from "./services/chain/chainNode";
import { Ethstats, ETHSTATS_ROUTES, ethstatsReportUrl } from "./services/chain/ethstats";
import { Maru } from "./services/chain/maru";
import { Sequencer } from "./services/chain/sequencer";
import { TxSender } from "./services/chain/txSender";
import { backupScript } from "./storeBackups";

/** Seconds an idle WebSocket to ethstats stays open at the ingress. */
export const ETHSTATS_WEBSOCKET_IDLE_SECONDS = 3600;
/** The largest message a node reports to ethstats through the ingress. */
export const ETHSTATS_MAX_BODY_BYTES = 1_048_576;

/** What the chain is built from. */
export interface ChainStackArgs {
    readonly config: Pick<
        NetworkConfig,
        "network" | "owner" | "namespace" | "backups" | "region" | "domain" | "ingress" | "stackFile"
    >;
    /** The validated in-cluster chain (`chain`). */
    readonly chain: InClusterChain;
    readonly namespace: pulumi.Input<string>;
    /** `protect` the StatefulSets that own the chain's volumes. */
    readonly protect: boolean;
    /** The value of one of the chain's Secrets Manager entries. */
    readonly secretValue: (purpose: ChainSecretPurpose) => pulumi.Output<string>;
    readonly grants: Record<RoleAccount, Grant[]>;
}

/** Where the chain's backup jobs write, and the options of everything the chain creates. */
export interface ChainBackupTarget {
    readonly cluster: IrsaCluster;
    readonly bucketName: pulumi.Input<string>;
    readonly keyArn: pulumi.Input<string>;
    readonly opts: pulumi.ComponentResourceOptions;
}

/** devnet's chain, as created. */
export interface ChainStack {
    readonly sequencer: Sequencer;
    readonly maru: Maru;
    readonly besu: Besu;
    readonly ethstats: Ethstats;
    readonly txSender: TxSender;
    readonly backup: BackupCronJob;
    readonly restore: BackupCronJob;
    /** The dashboard's public host. */
    readonly endpoint: { readonly service: string; readonly host: string };
}

/** Creates devnet's chain components, ethstats' ingress and the chain's backup jobs. */
export function chainStack(name: string, args: ChainStackArgs, target: ChainBackupTarget): ChainStack {
    const { config, chain, namespace } = args;
    const opts = target.opts;
    const placement = { network: config.network, namespace, stackFile: config.stackFile };
    const wsSecret = args.secretValue("ethstats-password");
    const ethstats = new Ethstats(`${name}-ethstats`, { ...placement, chain, wsSecret }, opts);
    const reportUrl = (node: string) => ethstatsReportUrl(node, wsSecret, ethstats.serviceName, namespace);
    const sequencer = new Sequencer(
        `${name}-sequencer`,
        {
            ...placement,
            chain,
            p2pKey: args.secretValue("sequencer-p2p-key"),
            ethstatsUrl: reportUrl(CHAIN_SERVICE_NAMES.sequencer),
            protect: args.protect,
        },
        opts,
    );
    const maru = new Maru(
        `${name}-maru`,
        { ...placement, chain, p2pKey: args.secretValue("maru-p2p-key"), protect: args.protect },
        opts,
    );
    const besu = new Besu(
        `${name}-besu`,
        {
            ...placement,
            chain,
            ethstatsUrl: reportUrl(CHAIN_SERVICE_NAMES.besu),
            bootnodes: [sequencer.enodeUrl],
            protect: args.protect,
        },
        opts,
    );
    const txSender = new TxSender(
        `${name}-tx-sender`,
        {
            ...placement,
            chain,
            rpcUrl: besu.rpcUrl,
            privateKey: args.secretValue("tx-sender-private-key"),
            toAddress: args.secretValue("tx-sender-to-address"),
        },
        opts,
    );
    const endpoint = new PublicEndpoint(
        `${name}-ethstats-ingress`,
        {
            network: config.network,
            namespace,
            service: CHAIN_SERVICE_NAMES.ethstats,
            serviceName: ethstats.serviceName,
            host: `ethstats.${config.domain}`,
            className: config.ingress.className,
            clusterIssuer: config.ingress.clusterIssuer,
            routes: ETHSTATS_ROUTES,
            websocketTimeoutSeconds: ETHSTATS_WEBSOCKET_IDLE_SECONDS,
            maxBodyBytes: ETHSTATS_MAX_BODY_BYTES,
            configSource: `${config.stackFile} (${PROJECT}:ingress, ${PROJECT}:domain)`,
        },
        opts,
    );
    const job = (mode: "backup" | "restore") => {
        const account = `${CHAIN_BACKUP}-${mode}` as const;
        const role = new IrsaRole(
            `${name}-${account}-role`,
            {
                network: config.network,
                owner: config.owner,
                cluster: target.cluster,
                namespace: config.namespace.name,
                serviceAccountName: account,
                grants: args.grants[account],
            },
            opts,
        );
        return new BackupCronJob(
            `${name}-${account}`,
            {
                task: account,
                // The pack pairs a StatefulSet with its backup by name: the export is read from besu.
                store: CHAIN_SERVICE_NAMES.besu,
                mode,
                network: config.network,
                namespace,
                component: "backup",
                image: config.backups.image,
                resources: config.backups.resources,
                env: {
                    NETWORK: config.network,
                    AWS_REGION: config.region,
                    BACKUP_BUCKET: target.bucketName,
                    BACKUP_PREFIX: CHAIN_BACKUP,
                    KMS_KEY_ARN: target.keyArn,
                    CHAIN_ID: String(chain.chainId),
                    ...(mode === "backup" ? { RPC_URL: besu.rpcUrl } : {}),
                },
                role,
                activeDeadlineSeconds: config.backups.activeDeadlineSeconds,
                backoffLimit: mode === "backup" ? 1 : 0,
                // The export (and, for the check, its RLP file) is staged in scratch: room for the chain.
                scratchSizeLimit: chain.besu.volumeSize,
                schedule: config.backups.schedule,
                script: backupScript(`${CHAIN_BACKUP}-${mode}.sh`),
                startingDeadlineSeconds: config.backups.startingDeadlineSeconds,
            },
            opts,
        );
    };
    return {
        sequencer,
        maru,
        besu,
        ethstats,
        txSender,
        backup: job("backup"),
        restore: job("restore"),
        endpoint: { service: CHAIN_SERVICE_NAMES.ethstats, host: endpoint.host },
    };
}
