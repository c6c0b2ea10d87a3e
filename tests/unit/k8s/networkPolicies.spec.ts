import * as assert from "node:assert/strict";
import { ArgumentsError } from "../../../components/errors";
import { matrixProblems, networkPolicyDefinitions, TrafficEdge } from "../../../components/k8s/networkPolicies";

const selectorOf = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": "testnet" });
const relay = { kind: "service", name: "relay", selector: selectorOf("relay") } as const;
const kms = { kind: "service", name: "kms-service", selector: selectorOf("kms-service") } as const;
const ingress = {
    kind: "namespace",
    name: "ingress-controller",
    namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
} as const;
const rpc = { kind: "external", name: "l2-rpc", cidrs: ["203.0.113.0/28"] } as const;

const EDGES: TrafficEdge[] = [
    { from: ingress, to: relay, ports: [{ port: 3200 }, { port: 3201 }], why: "clients" },
    { from: relay, to: kms, ports: [{ port: 3300 }], why: "signing" },
    { from: relay, to: rpc, ports: [{ port: 443 }], why: "chain" },
];

const relaySelector = { matchLabels: { "app.kubernetes.io/name": "relay", "app.kubernetes.io/instance": "testnet" } };
const kmsSelector = {
    matchLabels: { "app.kubernetes.io/name": "kms-service", "app.kubernetes.io/instance": "testnet" },
};

describe("network policies from a traffic matrix", () => {
    it("renders default deny, DNS, and one policy per service end of every edge", () => {
        assert.deepEqual(networkPolicyDefinitions(EDGES, ["relay", "kms-service"]), [
            {
                name: "default-deny",
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
                why: "deny all traffic the matrix does not allow",
            },
            {
                name: "allow-dns",
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [
                                {
                                    namespaceSelector: {
                                        matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                                    },
                                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                                },
                            ],
                            ports: [
                                { port: 53, protocol: "UDP" },
                                { port: 53, protocol: "TCP" },
                            ],
                        },
                    ],
                },
                why: "every pod resolves names through kube-dns",
            },
            {
                name: "ingress-controller-to-relay-ingress",
                spec: {
                    podSelector: relaySelector,
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [
                                {
                                    namespaceSelector: {
                                        matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                                    },
                                },
                            ],
                            ports: [
                                { port: 3200, protocol: "TCP" },
                                { port: 3201, protocol: "TCP" },
                            ],
                        },
                    ],
                },
                why: "clients",
            },
            {
                name: "relay-to-kms-service-ingress",
                spec: {
                    podSelector: kmsSelector,
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ podSelector: relaySelector }], ports: [{ port: 3300, protocol: "TCP" }] }],
                },
                why: "signing",
            },
            {
                name: "relay-to-kms-service-egress",
                spec: {
                    podSelector: relaySelector,
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ podSelector: kmsSelector }], ports: [{ port: 3300, protocol: "TCP" }] }],
                },
                why: "signing",
            },
            {
                name: "relay-to-l2-rpc-egress",
                spec: {
                    podSelector: relaySelector,
                    policyTypes: ["Egress"],
                    egress: [
                        { to: [{ ipBlock: { cidr: "203.0.113.0/28" } }], ports: [{ port: 443, protocol: "TCP" }] },
                    ],
                },
                why: "chain",
            },
        ]);
    });

    it("lists every matrix problem together", () => {
        const bad: TrafficEdge[] = [
            {
                from: relay,
                to: { kind: "service", name: "ghost", selector: selectorOf("ghost") },
                ports: [{ port: 80 }],
                why: "unknown service",
            },
            {
                from: relay,
                to: { kind: "external", name: "db", cidrs: ["10.0.0.5/16"] },
                ports: [{ port: 5432 }],
                why: "host bits",
            },
            { from: relay, to: kms, ports: [], why: "no ports" },
            {
                from: { kind: "namespace", name: "ingress-controller", namespaceLabels: {} },
                to: relay,
                ports: [{ port: 3200 }],
                why: "no labels",
            },
            { from: relay, to: rpc, ports: [{ port: 70000 }], why: "bad port" },
            { from: ingress, to: rpc, ports: [{ port: 443 }], why: "two outsiders" },
        ];
        assert.throws(
            () => networkPolicyDefinitions(bad, ["relay", "kms-service"]),
            (error: unknown) => {
                assert.ok(error instanceof ArgumentsError);
                assert.equal(
                    error.message,
                    [
                        "Invalid arguments to the traffic matrix: 6 problems:",
                        '  - edges[relay-to-ghost].to: got "ghost"; allowed: a deployed service: relay, kms-service',
                        '  - edges[relay-to-db].to.cidrs[0]: got "10.0.0.5/16"; allowed: a network CIDR with no ' +
                            "host bits set, e.g. 10.20.0.0/16 or 2001:db8::/32 (did you mean 10.0.0.0/16?)",
                        "  - edges[relay-to-kms-service].ports: got []; allowed: at least one port",
                        "  - edges[ingress-controller-to-relay].from.namespaceLabels: got {}; allowed: at least one non-empty label that selects the namespace",
                        "  - edges[relay-to-l2-rpc].ports[0].port: got 70000; allowed: a port number from 1 to 65535",
                        '  - edges[ingress-controller-to-l2-rpc]: got "ingress-controller-to-l2-rpc"; allowed: an ' +
                            "edge with a platform service on at least one end (policies only select our pods)",
                    ].join("\n"),
                );
                return true;
            },
        );
    });

    it("rejects a duplicate edge and an empty CIDR list", () => {
        assert.deepEqual(
            matrixProblems(
                [
                    EDGES[1],
                    EDGES[1],
                    { from: relay, to: { kind: "external", name: "x", cidrs: [] }, ports: [{ port: 1 }], why: "" },
                ],
                ["relay", "kms-service"],
            ).map((p) => `${p.path}: ${p.allowed}`),
            [
                "edges[relay-to-kms-service]: one edge per (from, to) pair; list every port on that edge",
                "edges[relay-to-x].to.cidrs: at least one network CIDR",
            ],
        );
    });

    it("accepts the matrix it renders", () => {
        assert.deepEqual(matrixProblems(EDGES, ["relay", "kms-service"]), []);
    });
});
