/**
 * The traffic matrix is the contract: run every stack, evaluate the NetworkPolicies it
 * registers over its pods and the world around them, and require the allowed flows to equal
 * DESIGN.md's matrix exactly: every edge allowed, everything else denied.
 */
import * as assert from "node:assert/strict";
import { RecordedResource } from "../../harness/mockEngine";
import { runStack } from "../../harness/stack";
import { clusterOf, SurroundingCluster } from "../support/clusterModel";
import { createEvaluator, Endpoint, Flow, isPod, PortSpec } from "../support/networkPolicyEvaluator";
import { committedStackRun } from "../support/stackRuns";

const PROBED_EXTERNAL_PORTS: PortSpec[] = [22, 53, 80, 443, 2283, 4661, 5432, 6379, 8545, 9092];

/** What lives around the network's namespace in every cluster, and outside it. */
function surroundings(stack: string): SurroundingCluster {
    const octet = { devnet: 10, testnet: 20, mainnet: 30 }[stack];
    const rpc =
        {
            devnet: [],
            testnet: [{ name: "l2-rpc", ip: "203.0.113.1" }],
            mainnet: [{ name: "l2-rpc", ip: "198.51.100.1" }],
        }[stack] ?? [];
    return {
        namespaces: [
            { name: "ingress-nginx", labels: {} },
            { name: "monitoring", labels: {} },
            { name: "kube-system", labels: {} },
            { name: "elsewhere", labels: {} },
        ],
        pods: [
            {
                namespace: "ingress-nginx",
                name: "ingress-controller",
                labels: { "app.kubernetes.io/name": "ingress-nginx" },
                ports: [{ containerPort: 443, name: "https" }],
            },
            {
                namespace: "monitoring",
                name: "prometheus",
                labels: { "app.kubernetes.io/name": "prometheus" },
                ports: [{ containerPort: 9090, name: "web" }],
            },
            {
                namespace: "kube-system",
                name: "kube-dns",
                labels: { "k8s-app": "kube-dns" },
                ports: [
                    { containerPort: 53, protocol: "UDP", name: "dns" },
                    { containerPort: 53, protocol: "TCP", name: "dns-tcp" },
                ],
            },
            // A pod in a namespace the matrix never mentions, sharing our pods' labels.
            {
                namespace: "elsewhere",
                name: "impostor",
                labels: { "app.kubernetes.io/name": "relay", "app.kubernetes.io/instance": stack },
                ports: [{ containerPort: 3300, name: "http" }],
            },
        ],
        externalPeers: [
            ...rpc,
            { name: "covenantsql", ip: `10.${octet}.3.1` },
            { name: "postgres", ip: `10.${octet}.0.1` },
            { name: "redis", ip: `10.${octet}.1.1` },
            { name: "kafka", ip: `10.${octet}.2.1` },
            { name: "farcaster-hub", ip: "192.0.2.1" },
            { name: "internet", ip: "198.18.0.10" },
        ],
    };
}

/** A flow end by role: the service a pod runs, the namespace's role, or the external peer's name. */
function role(endpoint: Endpoint, namespace: string): string {
    if (!isPod(endpoint)) return `external:${endpoint.name}`;
    if (endpoint.namespace === namespace) return endpoint.labels?.["app.kubernetes.io/name"] ?? endpoint.name;
    return (
        {
            "ingress-nginx": "ingress-controller",
            monitoring: "monitoring",
            "kube-system": "kube-dns",
            elsewhere: "elsewhere",
        }[endpoint.namespace] ?? endpoint.namespace
    );
}

/** The allowed flows that touch the network's namespace, by role, deduplicated and sorted. */
function allowedByRole(resources: RecordedResource[], stack: string): string[] {
    const namespace = `messaging-${stack}`;
    const evaluator = createEvaluator(clusterOf(resources, surroundings(stack)));
    const touches = (f: Flow) => [f.from, f.to].some((e) => isPod(e) && e.namespace === namespace);
    const flows = evaluator
        .allowedFlowRecords({ externalPorts: PROBED_EXTERNAL_PORTS, includeExternalSources: true })
        .filter(touches)
        .map((f) => `${role(f.from, namespace)} -> ${role(f.to, namespace)}:${f.port}/${f.protocol}`);
    return [...new Set(flows)].sort();
}

function policyName(resource: RecordedResource): string | undefined {
    return resource.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy"
        ? (resource.inputs as { metadata: { name: string } }).metadata.name
        : undefined;
}

/** The backup and restore jobs of the stores. */
const BACKUP_JOBS = ["object-store-backup", "object-store-restore", "postgres-backup", "postgres-restore"];

/** devnet's in-cluster chain: its components and its export's jobs. */
const CHAIN_NODES = ["sequencer", "maru", "besu"];
const CHAIN_JOBS = ["chain-backup", "chain-restore"];
const CHAIN = [...CHAIN_NODES, "ethstats", "tx-sender", ...CHAIN_JOBS];

/** devnet's chain edges (tradeoff 5): RPC users, P2P between every pair of nodes, ethstats, metrics. */
const CHAIN_EDGES = [
    "relay -> besu:8545/TCP",
    "relay -> besu:8546/TCP",
    "tx-sender -> besu:8545/TCP",
    "chain-backup -> besu:8545/TCP",
    "ingress-controller -> ethstats:3000/TCP",
    "sequencer -> ethstats:3000/TCP",
    "besu -> ethstats:3000/TCP",
    "sequencer -> maru:9000/TCP",
    "sequencer -> besu:30303/TCP",
    "maru -> sequencer:30303/TCP",
    "maru -> besu:30303/TCP",
    "besu -> sequencer:30303/TCP",
    "besu -> maru:9000/TCP",
    ...[...CHAIN_NODES, "ethstats", "tx-sender"].map((s) => `monitoring -> ${s}:9545/TCP`),
];

/** DESIGN.md's matrix for the services a stack deploys today, written out by hand. */
function expectedMatrix(stack: string): string[] {
    const external = surroundings(stack).externalPeers.map((p) => `external:${p.name}`);
    const chain = stack === "devnet" ? CHAIN : [];
    const dns = [
        "relay",
        "kms-service",
        "farcaster-sync",
        "messaging-api",
        "object-store",
        "object-store-buckets",
        ...BACKUP_JOBS,
        ...chain,
    ].flatMap((s) => [`${s} -> kube-dns:53/TCP`, `${s} -> kube-dns:53/UDP`]);
    const chainJobs = stack === "devnet" ? CHAIN_JOBS : [];
    const awsApis = ["relay", "kms-service", "messaging-api", ...BACKUP_JOBS, ...chainJobs].flatMap((s) =>
        external.map((peer) => `${s} -> ${peer}:443/TCP`),
    );
    return [
        ...new Set([
            "ingress-controller -> relay:3200/TCP",
            "ingress-controller -> relay:3201/TCP",
            "monitoring -> relay:9102/TCP",
            "monitoring -> kms-service:9103/TCP",
            "monitoring -> farcaster-sync:9104/TCP",
            "relay -> kms-service:3300/TCP",
            "relay -> external:covenantsql:4661/TCP",
            "farcaster-sync -> external:farcaster-hub:2283/TCP",
            "ingress-controller -> messaging-api:3000/TCP",
            "monitoring -> messaging-api:9090/TCP",
            "monitoring -> object-store:9000/TCP",
            "messaging-api -> object-store:9000/TCP",
            "messaging-api -> external:postgres:5432/TCP",
            "messaging-api -> external:redis:6379/TCP",
            "messaging-api -> external:kafka:9092/TCP",
            "object-store-buckets -> object-store:9000/TCP",
            // Each backup and restore job reaches exactly the store it copies (and its bucket, above).
            "object-store-backup -> object-store:9000/TCP",
            "object-store-restore -> object-store:9000/TCP",
            "postgres-backup -> external:postgres:5432/TCP",
            "postgres-restore -> external:postgres:5432/TCP",
            ...(stack === "devnet" ? CHAIN_EDGES : ["relay -> external:l2-rpc:443/TCP"]),
            ...dns,
            ...awsApis,
        ]),
    ].sort();
}

describe("network reachability equals the traffic matrix", function () {
    const runs = new Map<string, RecordedResource[]>();
    before(async function () {
        for (const stack of ["devnet", "testnet", "mainnet"])
            runs.set(stack, (await committedStackRun(stack)).resources);
    });

    for (const stack of ["devnet", "testnet", "mainnet"]) {
        it(`${stack}: every edge allowed, every other flow denied`, () => {
            assert.deepEqual(allowedByRole(runs.get(stack) ?? [], stack), expectedMatrix(stack));
        });

        it(`${stack}: the object store is reachable from the API, its bucket job and its backups only, on 9000`, () => {
            const sources = allowedByRole(runs.get(stack) ?? [], stack).filter((f) => f.includes("-> object-store:"));
            assert.deepEqual(sources, [
                "messaging-api -> object-store:9000/TCP",
                "monitoring -> object-store:9000/TCP",
                "object-store-backup -> object-store:9000/TCP",
                "object-store-buckets -> object-store:9000/TCP",
                "object-store-restore -> object-store:9000/TCP",
            ]);
        });

        it(`${stack}: kms-service is reachable from relay only, on 3300`, () => {
            const sources = allowedByRole(runs.get(stack) ?? [], stack).filter((f) => f.includes("-> kms-service:"));
            assert.deepEqual(sources, ["monitoring -> kms-service:9103/TCP", "relay -> kms-service:3300/TCP"]);
        });

        it(`${stack}: a pod in another namespace reaches nothing, even with our labels`, () => {
            assert.deepEqual(
                allowedByRole(runs.get(stack) ?? [], stack).filter(
                    (f) => f.startsWith("elsewhere") || f.includes("-> elsewhere"),
                ),
                [],
            );
        });
    }

    it("devnet: besu is reachable from its RPC users, its chain peers and monitoring only", () => {
        const sources = allowedByRole(runs.get("devnet") ?? [], "devnet").filter((f) => f.includes("-> besu:"));
        assert.deepEqual(sources, [
            "chain-backup -> besu:8545/TCP",
            "maru -> besu:30303/TCP",
            "monitoring -> besu:9545/TCP",
            "relay -> besu:8545/TCP",
            "relay -> besu:8546/TCP",
            "sequencer -> besu:30303/TCP",
            "tx-sender -> besu:8545/TCP",
        ]);
    });

    it("devnet: the sequencer, the single writer, takes P2P from its peers and scrapes from monitoring, nothing else", () => {
        const sources = allowedByRole(runs.get("devnet") ?? [], "devnet").filter((f) => f.includes("-> sequencer:"));
        assert.deepEqual(sources, [
            "besu -> sequencer:30303/TCP",
            "maru -> sequencer:30303/TCP",
            "monitoring -> sequencer:9545/TCP",
        ]);
    });

    it("testnet and mainnet: no flow touches a chain component", () => {
        for (const stack of ["testnet", "mainnet"]) {
            const chain = /(^|> )(sequencer|maru|besu|ethstats|tx-sender|chain-backup|chain-restore)( |:)/;
            assert.deepEqual(
                allowedByRole(runs.get(stack) ?? [], stack).filter((f) => chain.test(f)),
                [],
                stack,
            );
        }
    });

    it("needs the egress side of an edge as well as the ingress side", () => {
        const resources = (runs.get("testnet") ?? []).filter((r) => policyName(r) !== "relay-to-kms-service-egress");
        assert.equal(allowedByRole(resources, "testnet").includes("relay -> kms-service:3300/TCP"), false);
    });

    it("relies on the default deny where no edge isolates a pod", async () => {
        // With monitoring off, nothing but the default deny isolates farcaster-sync for ingress.
        const monitoringOff = JSON.stringify({
            enabled: false,
            namespace: "monitoring",
            namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
        });
        const resources = (
            await runStack("testnet", { configOverrides: { "messaging-infra:monitoring": monitoringOff } })
        ).resources;
        assert.deepEqual(
            allowedByRole(resources, "testnet").filter((f) => f.includes("-> farcaster-sync:")),
            [],
        );
        const withoutDefaultDeny = allowedByRole(
            resources.filter((r) => policyName(r) !== "default-deny"),
            "testnet",
        );
        // Anyone whose own egress is not isolated reaches it: every outside pod and address, but
        // not relay or kms-service (their egress policies still hold).
        assert.deepEqual(
            withoutDefaultDeny.filter((f) => f.includes("-> farcaster-sync:")),
            [
                "elsewhere",
                "external:covenantsql",
                "external:farcaster-hub",
                "external:internet",
                "external:kafka",
                "external:l2-rpc",
                "external:postgres",
                "external:redis",
                "ingress-controller",
                "kube-dns",
                "monitoring",
            ].map((source) => `${source} -> farcaster-sync:9104/TCP`),
        );
    });
});
