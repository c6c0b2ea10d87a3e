/**
 * devnet's chain in the traffic matrix: who may reach the chain components, on which ports. The
 * relay and the tx-sender use besu's RPC, the chain export reads it; the sequencer, maru and besu
 * peer with each other over P2P, each on its own P2P port; the sequencer and besu report to
 * ethstats, which people reach through the ingress controller; the chain's jobs reach their bucket.
 * (Monitoring and DNS come from the matrix's generic rules, as for every service.)
 */
import { EdgePort, ExternalPeer, NamespacePeer, ServicePeer, TrafficEdge } from "./k8s/networkPolicies";
import type { MatrixService as ChainMatrixService } from "./trafficMatrix";

/** devnet's chain components and its backup jobs, as the chain stack created them. */
export interface ChainMatrixServices {
    readonly sequencer: ChainMatrixService;
    readonly maru: ChainMatrixService;
    readonly besu: ChainMatrixService;
    readonly ethstats: ChainMatrixService;
    readonly txSender: ChainMatrixService;
    readonly backup: ChainMatrixService;
    readonly restore: ChainMatrixService;
}

/** The chain's services in matrix order (for monitoring and DNS). */
export function chainMatrixServices(chain: ChainMatrixServices): ChainMatrixService[] {
    return [chain.sequencer, chain.maru, chain.besu, chain.ethstats, chain.txSender, chain.backup, chain.restore];
}

const peer = (service: ChainMatrixService): ServicePeer => ({
    kind: "service",
    name: service.selector["app.kubernetes.io/name"],
    selector: service.selector,
});
const tcp = (...ports: number[]): EdgePort[] => ports.map((port) => ({ port, protocol: "TCP" as const }));

/** The chain's edges, given the relay, the ingress controller and the AWS APIs the rest of the matrix uses. */
export function chainEdges(
    chain: ChainMatrixServices,
    relay: ServicePeer,
    ingressController: NamespacePeer,
    awsApis: ExternalPeer,
): TrafficEdge[] {
    const { sequencer, maru, besu, ethstats } = chain;
    const rpc = besu.ports.rpc;
    const edges: TrafficEdge[] = [
        {
            from: relay,
            to: peer(besu),
            ports: tcp(rpc, besu.ports.ws),
            why: "the relay reads the KeyRegistry and MessageNodeRegistry from devnet's besu RPC (HTTP and WebSocket)",
        },
        { from: peer(chain.txSender), to: peer(besu), ports: tcp(rpc), why: "the tx-sender sends its transactions" },
        { from: peer(chain.backup), to: peer(besu), ports: tcp(rpc), why: "the chain backup exports the blocks" },
        {
            from: ingressController,
            to: peer(ethstats),
            ports: tcp(ethstats.ports.http),
            why: "people watch the chain's dashboard through the ingress controller",
        },
    ];
    for (const node of [sequencer, besu]) {
        const why = "the execution nodes report to the dashboard over WebSocket";
        edges.push({ from: peer(node), to: peer(ethstats), ports: tcp(ethstats.ports.http), why });
    }
    // Every pair of chain nodes peers both ways, each connection on the listener's P2P port.
    const nodes = [sequencer, maru, besu];
    for (const from of nodes) {
        for (const to of nodes) {
            if (from === to) continue;
            edges.push({
                from: peer(from),
                to: peer(to),
                ports: tcp(to.ports.p2p),
                why: "the chain's nodes peer over P2P",
            });
        }
    }
    for (const job of [chain.backup, chain.restore]) {
        edges.push({
            from: peer(job),
            to: awsApis,
            ports: tcp(443),
            why: "the chain job's IRSA role reaches the backup bucket",
        });
    }
    return edges;
}
