// Tests of the test-side NetworkPolicy evaluator (tests/support/networkPolicyEvaluator.ts):
// small hand-written clusters whose allowed flows are spelled out, validation, performance, and
// fast-check properties including a naive reference model written straight from the API text.
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import {
    allowedFlows,
    candidateFlows,
    Cluster,
    createEvaluator,
    diffFlows,
    effectivePolicyTypes,
    Endpoint,
    ExternalPeer,
    formatFlow,
    ipBlockContains,
    isAllowed,
    isPod,
    LabelSelector,
    labelSelectorMatches,
    Namespace,
    NetworkPolicy,
    NetworkPolicyEgressRule,
    NetworkPolicyIngressRule,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    Pod,
    PolicyType,
    Protocol,
    validateNetworkPolicy,
} from "../support/networkPolicyEvaluator";

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

function pod(namespace: string, name: string, labels: Record<string, string>, ports: Pod["ports"], ip?: string): Pod {
    return ip === undefined ? { namespace, name, labels, ports } : { namespace, name, labels, ports, ip };
}

function policy(
    namespace: string,
    name: string,
    spec: {
        podSelector?: LabelSelector;
        policyTypes?: PolicyType[];
        ingress?: NetworkPolicyIngressRule[];
        egress?: NetworkPolicyEgressRule[];
    },
): NetworkPolicy {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace },
        spec: { podSelector: {}, ...spec },
    };
}

function defaultDeny(namespace: string): NetworkPolicy {
    return policy(namespace, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

const http = { name: "http", containerPort: 8080 };
const a1 = pod("a", "a1", { app: "web" }, [http]);
const a2 = pod("a", "a2", { app: "db" }, [{ containerPort: 5432 }]);
const b1 = pod("b", "b1", { app: "web" }, [http]);
const ext: ExternalPeer = { name: "api", ip: "203.0.113.10", ports: [443] };

function cluster(policies: NetworkPolicy[], extra: Partial<Cluster> = {}): Cluster {
    return {
        namespaces: [
            { name: "a", labels: { team: "alpha" } },
            { name: "b", labels: { team: "beta" } },
        ],
        pods: [a1, a2, b1],
        externalPeers: [ext],
        policies,
        ...extra,
    };
}

/** Every candidate of the tiny cluster above, written out by hand. */
const ALL_TINY = [
    "a/a1 -> a/a2:5432/TCP",
    "a/a1 -> b/b1:8080/TCP",
    "a/a1 -> external:api(203.0.113.10):443/TCP",
    "a/a1 -> external:api(203.0.113.10):443/UDP",
    "a/a2 -> a/a1:8080/TCP",
    "a/a2 -> b/b1:8080/TCP",
    "a/a2 -> external:api(203.0.113.10):443/TCP",
    "a/a2 -> external:api(203.0.113.10):443/UDP",
    "b/b1 -> a/a1:8080/TCP",
    "b/b1 -> a/a2:5432/TCP",
    "b/b1 -> external:api(203.0.113.10):443/TCP",
    "b/b1 -> external:api(203.0.113.10):443/UDP",
];

function assertFlows(actual: string[], expected: string[]): void {
    const { missing, unexpected } = diffFlows(actual, expected);
    assert.deepEqual(
        { missing, unexpected },
        { missing: [], unexpected: [] },
        `flow mismatch\n  missing: ${missing.join("\n           ")}\n  unexpected: ${unexpected.join("\n              ")}`,
    );
    assert.deepEqual(actual, [...expected].sort(compareFlowStrings));
}

/** The evaluator's order: by source, destination, numeric port, protocol (TCP < UDP < SCTP). */
function compareFlowStrings(x: string, y: string): number {
    const parse = (s: string) => {
        const m = /^(.*) -> (.*):(\d+)\/(TCP|UDP|SCTP)$/.exec(s);
        assert.ok(m, s);
        return { from: m[1], to: m[2], port: Number(m[3]), protocol: ["TCP", "UDP", "SCTP"].indexOf(m[4]) };
    };
    const a = parse(x);
    const b = parse(y);
    if (a.from !== b.from) return a.from < b.from ? -1 : 1;
    if (a.to !== b.to) return a.to < b.to ? -1 : 1;
    return a.port - b.port || a.protocol - b.protocol;
}

// ---------------------------------------------------------------------------------------------
// Fixed cases
// ---------------------------------------------------------------------------------------------

describe("networkPolicyEvaluator", () => {
    describe("baseline", () => {
        it("allows every candidate flow when there are no policies", () => {
            assertFlows(allowedFlows(cluster([])), ALL_TINY);
            assert.deepEqual(candidateFlows(cluster([])), ALL_TINY);
            assert.equal(isAllowed(cluster([]), ext, a1, 8080), true);
        });

        it("a default deny in every namespace denies everything, both ways", () => {
            const c = cluster([defaultDeny("a"), defaultDeny("b")]);
            assert.deepEqual(allowedFlows(c), []);
            assert.deepEqual(allowedFlows(c, { includeExternalSources: true, includeSelf: true }), []);
            assert.equal(isAllowed(c, ext, a1, 8080), false);
            assert.equal(isAllowed(c, a1, ext, 443), false);
        });

        it("a default deny in one namespace blocks traffic in and out of it only", () => {
            assertFlows(allowedFlows(cluster([defaultDeny("a")])), [
                "b/b1 -> external:api(203.0.113.10):443/TCP",
                "b/b1 -> external:api(203.0.113.10):443/UDP",
            ]);
        });

        it("a policy selecting no pods changes nothing", () => {
            const none = policy("a", "nobody", {
                podSelector: { matchLabels: { app: "does-not-exist" } },
                policyTypes: ["Ingress", "Egress"],
            });
            const elsewhere = policy("empty-ns", "deny", { policyTypes: ["Ingress", "Egress"] });
            assert.deepEqual(allowedFlows(cluster([none, elsewhere])), ALL_TINY);
        });

        it("includeSelf and includeExternalSources widen the candidates", () => {
            const flows = allowedFlows(cluster([]), { includeSelf: true, includeExternalSources: true });
            assert.ok(flows.includes("a/a1 -> a/a1:8080/TCP"));
            assert.ok(flows.includes("external:api(203.0.113.10) -> b/b1:8080/TCP"));
            assert.equal(flows.length, ALL_TINY.length + 3 + 3);
        });
    });

    describe("default deny plus allow edges", () => {
        const ingressA2FromA1 = policy("a", "a2-from-a1", {
            podSelector: { matchLabels: { app: "db" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 5432 }] }],
        });
        const egressA1ToA2 = policy("a", "a1-to-a2", {
            podSelector: { matchLabels: { app: "web" } },
            policyTypes: ["Egress"],
            egress: [
                { to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432, protocol: "TCP" }] },
            ],
        });

        it("allows exactly the edge when both the egress and the ingress side allow it", () => {
            const c = cluster([defaultDeny("a"), defaultDeny("b"), ingressA2FromA1, egressA1ToA2]);
            assertFlows(allowedFlows(c), ["a/a1 -> a/a2:5432/TCP"]);
            assert.equal(isAllowed(c, a1, a2, 5432, "UDP"), false);
            assert.equal(isAllowed(c, a2, a1, 8080), false);
        });

        it("ingress on the destination alone is not enough while the source's egress is denied", () => {
            const c = cluster([defaultDeny("a"), ingressA2FromA1]);
            assert.equal(isAllowed(c, a1, a2, 5432), false);
            // b is not isolated; it still reaches the outside, but nothing in a.
            assertFlows(allowedFlows(c), [
                "b/b1 -> external:api(203.0.113.10):443/TCP",
                "b/b1 -> external:api(203.0.113.10):443/UDP",
            ]);
        });

        it("egress on the source alone is not enough while the destination's ingress is denied", () => {
            const c = cluster([defaultDeny("a"), egressA1ToA2]);
            assert.equal(isAllowed(c, a1, a2, 5432), false);
        });

        it("ingress alone is enough when the source is not egress-isolated", () => {
            const ingressOnlyDeny = policy("a", "deny-in", { policyTypes: ["Ingress"] });
            const c = cluster([ingressOnlyDeny, ingressA2FromA1]);
            assertFlows(allowedFlows(c), [
                "a/a1 -> a/a2:5432/TCP",
                "a/a1 -> b/b1:8080/TCP",
                "a/a1 -> external:api(203.0.113.10):443/TCP",
                "a/a1 -> external:api(203.0.113.10):443/UDP",
                "a/a2 -> b/b1:8080/TCP",
                "a/a2 -> external:api(203.0.113.10):443/TCP",
                "a/a2 -> external:api(203.0.113.10):443/UDP",
                "b/b1 -> external:api(203.0.113.10):443/TCP",
                "b/b1 -> external:api(203.0.113.10):443/UDP",
            ]);
        });

        it("explain names the rules that allow each side", () => {
            const e = createEvaluator(cluster([defaultDeny("a"), ingressA2FromA1, egressA1ToA2]));
            assert.deepEqual(e.explain(a1, a2, 5432), {
                allowed: true,
                egress: { isolated: true, allowed: true, allowedBy: ["a/a1-to-a2 egress[0]"] },
                ingress: { isolated: true, allowed: true, allowedBy: ["a/a2-from-a1 ingress[0]"] },
            });
            assert.deepEqual(e.explain(b1, a1, 8080), {
                allowed: false,
                egress: { isolated: false, allowed: true, allowedBy: [] },
                ingress: { isolated: true, allowed: false, allowedBy: [] },
            });
            assert.deepEqual(e.isolation(a1), { ingress: true, egress: true });
            assert.deepEqual(e.isolation(b1), { ingress: false, egress: false });
        });

        it("unions the rules of every policy selecting a pod", () => {
            const fromB = policy("a", "from-b", {
                podSelector: { matchLabels: { app: "web" } },
                ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "beta" } } }] }],
            });
            const fromA2 = policy("a", "from-a2", {
                podSelector: { matchLabels: { app: "web" } },
                ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }] }],
            });
            const e = createEvaluator(cluster([fromB, fromA2]));
            assert.equal(e.isAllowed(b1, a1, 8080), true);
            assert.equal(e.isAllowed(a2, a1, 8080), true);
            assert.equal(e.isAllowed(ext, a1, 8080), false);
        });

        it("`ingress: []` with Ingress in policyTypes denies all ingress; `from: []` allows all sources", () => {
            const denyAll = policy("a", "deny", { podSelector: { matchLabels: { app: "web" } }, ingress: [] });
            assert.equal(isAllowed(cluster([denyAll]), a2, a1, 8080), false);
            const openRule = policy("a", "open", {
                podSelector: { matchLabels: { app: "web" } },
                ingress: [{ from: [] }],
            });
            const e = createEvaluator(cluster([denyAll, openRule]));
            assert.equal(e.isAllowed(a2, a1, 8080), true);
            assert.equal(e.isAllowed(b1, a1, 8080), true);
            assert.equal(e.isAllowed(ext, a1, 8080), true);
            assert.equal(e.isAllowed(ext, a1, 9, "SCTP"), true, "no ports: every port of every protocol");
        });
    });

    describe("ipBlock", () => {
        const block = { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.3.4/32"] };

        it("allows inside the CIDR, denies the except ranges and everything outside", () => {
            assert.equal(ipBlockContains(block, "10.0.0.1"), true);
            assert.equal(ipBlockContains(block, "10.255.255.255"), true);
            assert.equal(ipBlockContains(block, "10.1.0.0"), false);
            assert.equal(ipBlockContains(block, "10.1.255.255"), false);
            assert.equal(ipBlockContains(block, "10.2.3.4"), false);
            assert.equal(ipBlockContains(block, "10.2.3.5"), true);
            assert.equal(ipBlockContains(block, "11.0.0.0"), false);
            assert.equal(ipBlockContains(block, "9.255.255.255"), false);
            assert.equal(ipBlockContains({ cidr: "0.0.0.0/0" }, "203.0.113.10"), true);
            assert.equal(ipBlockContains({ cidr: "0.0.0.0/0" }, "2001:db8::1"), false, "families never mix");
        });

        it("handles IPv6, with except", () => {
            const v6 = { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] };
            assert.equal(ipBlockContains(v6, "2001:db8:2::1"), true);
            assert.equal(ipBlockContains(v6, "2001:db8:1::1"), false);
            assert.equal(ipBlockContains(v6, "2001:db9::1"), false);
            assert.equal(ipBlockContains(v6, "10.0.0.1"), false);
            assert.equal(ipBlockContains({ cidr: "::/0" }, "2001:db8::1"), true);
        });

        it("governs egress to external peers", () => {
            const inside: ExternalPeer = { name: "inside", ip: "10.9.9.9", ports: [443] };
            const excepted: ExternalPeer = { name: "excepted", ip: "10.1.2.3", ports: [443] };
            const outside: ExternalPeer = { name: "outside", ip: "192.0.2.1", ports: [443] };
            const egress = policy("a", "egress", {
                podSelector: { matchLabels: { app: "web" } },
                egress: [{ to: [{ ipBlock: block }], ports: [{ port: 443 }] }],
            });
            const c = cluster([egress], { pods: [a1], externalPeers: [inside, excepted, outside] });
            assertFlows(allowedFlows(c), ["a/a1 -> external:inside(10.9.9.9):443/TCP"]);
            assert.equal(isAllowed(c, a1, { name: "adhoc", ip: "10.200.0.1" }, 443), true, "unlisted peer");
            assert.equal(isAllowed(c, a1, { name: "adhoc", ip: "10.200.0.1" }, 444), false);
        });

        it("governs ingress from external peers", () => {
            const ingress = policy("a", "ingress", {
                podSelector: { matchLabels: { app: "web" } },
                ingress: [{ from: [{ ipBlock: { cidr: "203.0.113.0/24" } }] }],
            });
            const e = createEvaluator(cluster([ingress]));
            assert.equal(e.isAllowed(ext, a1, 8080), true);
            assert.equal(e.isAllowed({ name: "x", ip: "198.51.100.1" }, a1, 8080), false);
            assert.equal(e.isAllowed(a2, a1, 8080), false, "ipBlock does not match pods without an ip");
        });

        it("applies to pods only when they are given an ip", () => {
            const withIp = pod("a", "a3", { app: "db" }, [{ containerPort: 5432 }], "10.0.0.7");
            const egress = policy("a", "egress", {
                podSelector: { matchLabels: { app: "web" } },
                egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }] }],
            });
            const e = createEvaluator(cluster([egress], { pods: [a1, a2, withIp] }));
            assert.equal(e.isAllowed(a1, withIp, 5432), true);
            assert.equal(e.isAllowed(a1, a2, 5432), false);
        });
    });

    describe("ports", () => {
        const multi = pod("a", "multi", { app: "multi" }, [
            { name: "http", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
            { name: "dns", containerPort: 53, protocol: "UDP" },
            { containerPort: 53 },
            { containerPort: 7000 },
            { containerPort: 7005 },
            { containerPort: 7011 },
        ]);
        const client = pod("a", "client", { app: "client" }, [{ name: "metrics", containerPort: 9999 }]);
        function onlyTo(ports: NetworkPolicyPort[]): Cluster {
            return cluster(
                [policy("a", "in", { podSelector: { matchLabels: { app: "multi" } }, ingress: [{ ports }] })],
                { pods: [multi, client], externalPeers: [] },
            );
        }
        const flowsTo = (ports: NetworkPolicyPort[]) =>
            allowedFlows(onlyTo(ports)).filter((f) => f.startsWith("a/client -> "));

        it("resolves a named port against the destination pod, denying its other ports", () => {
            assertFlows(flowsTo([{ port: "metrics" }]), ["a/client -> a/multi:9090/TCP"]);
            const e = createEvaluator(onlyTo([{ port: "metrics" }]));
            assert.equal(e.isAllowed(client, multi, 9090), true);
            assert.equal(e.isAllowed(client, multi, 8080), false);
            assert.equal(e.isAllowed(client, multi, 9999), false, "not the source's port of that name");
        });

        it("matches a named port only with its protocol", () => {
            assertFlows(flowsTo([{ port: "dns" }]), []);
            assertFlows(flowsTo([{ port: "dns", protocol: "UDP" }]), ["a/client -> a/multi:53/UDP"]);
        });

        it("resolves named ports of egress rules against the destination too; never against an external", () => {
            const egress = policy("a", "out", {
                podSelector: { matchLabels: { app: "client" } },
                egress: [{ ports: [{ port: "http" }] }],
            });
            const e = createEvaluator(cluster([egress], { pods: [multi, client], externalPeers: [ext] }));
            assert.equal(e.isAllowed(client, multi, 8080), true);
            assert.equal(e.isAllowed(client, multi, 9090), false);
            assert.equal(e.isAllowed(client, ext, 8080), false);
            assert.equal(e.isAllowed(client, ext, 443), false);
        });

        it("honours endPort ranges, inclusive", () => {
            assertFlows(flowsTo([{ port: 7000, endPort: 7005 }]), [
                "a/client -> a/multi:7000/TCP",
                "a/client -> a/multi:7005/TCP",
            ]);
            const e = createEvaluator(onlyTo([{ port: 7001, endPort: 7011 }]));
            assert.equal(e.isAllowed(client, multi, 7000), false);
            assert.equal(e.isAllowed(client, multi, 7001), true);
            assert.equal(e.isAllowed(client, multi, 7011), true);
            assert.equal(e.isAllowed(client, multi, 7012), false);
            assert.equal(e.isAllowed(client, multi, 7005, "UDP"), false);
        });

        it("distinguishes UDP from TCP; protocol defaults to TCP", () => {
            assertFlows(flowsTo([{ port: 53 }]), ["a/client -> a/multi:53/TCP"]);
            assertFlows(flowsTo([{ port: 53, protocol: "UDP" }]), ["a/client -> a/multi:53/UDP"]);
            assertFlows(flowsTo([{ protocol: "UDP" }]), ["a/client -> a/multi:53/UDP"]);
            assertFlows(
                flowsTo([
                    { port: 53, protocol: "UDP" },
                    { port: 53, protocol: "TCP" },
                ]),
                ["a/client -> a/multi:53/TCP", "a/client -> a/multi:53/UDP"],
            );
            assert.equal(isAllowed(onlyTo([{ port: 53, protocol: "SCTP" }]), client, multi, 53, "SCTP"), true);
            assert.equal(isAllowed(onlyTo([{ port: 53, protocol: "SCTP" }]), client, multi, 53, "TCP"), false);
        });

        it("`ports: []` allows every port", () => {
            assert.equal(flowsTo([]).length, 7);
        });

        it("probes external ports as given: a bare number on TCP and UDP, an object on its protocol", () => {
            const egress = policy("a", "out", {
                podSelector: { matchLabels: { app: "web" } },
                egress: [
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }, { port: 53, protocol: "UDP" }] },
                ],
            });
            const c = cluster([egress], { pods: [a1], externalPeers: [{ name: "any", ip: "198.51.100.7" }] });
            assertFlows(allowedFlows(c), [
                "a/a1 -> external:any(198.51.100.7):53/UDP",
                "a/a1 -> external:any(198.51.100.7):443/TCP",
            ]);
            assertFlows(allowedFlows(c, { externalPorts: [{ port: 53, protocol: "TCP" }, 443, 8443] }), [
                "a/a1 -> external:any(198.51.100.7):443/TCP",
            ]);
        });
    });

    describe("peers and selectors", () => {
        const c1 = pod("c", "c1", { app: "web" }, [http]);
        const c2 = pod("c", "c2", { app: "db" }, [http]);
        const dst = pod("d", "dst", { app: "dst" }, [http]);
        const namespaces: Namespace[] = [
            { name: "c", labels: { team: "alpha" } },
            { name: "d", labels: { team: "beta" } },
            { name: "e", labels: { team: "alpha", env: "prod" } },
        ];
        const e1 = pod("e", "e1", { app: "web" }, [http]);
        const e2 = pod("e", "e2", { app: "db" }, [http]);
        const d2 = pod("d", "d2", { app: "web" }, [http]);
        function sourcesAllowedBy(from: NetworkPolicyPeer[]): string[] {
            const c: Cluster = {
                namespaces,
                pods: [c1, c2, dst, d2, e1, e2],
                externalPeers: [ext],
                policies: [policy("d", "in", { podSelector: { matchLabels: { app: "dst" } }, ingress: [{ from }] })],
            };
            const e = createEvaluator(c);
            return [c1, c2, d2, e1, e2, ext]
                .filter((source) => e.isAllowed(source, dst, 8080))
                .map((source) => (isPod(source) ? `${source.namespace}/${source.name}` : source.name));
        }

        it("a peer without namespaceSelector means the policy's own namespace", () => {
            assert.deepEqual(sourcesAllowedBy([{ podSelector: {} }]), ["d/d2"]);
            assert.deepEqual(sourcesAllowedBy([{ podSelector: { matchLabels: { app: "web" } } }]), ["d/d2"]);
        });

        it("a namespaceSelector-only peer selects every pod of the matching namespaces (never externals)", () => {
            assert.deepEqual(sourcesAllowedBy([{ namespaceSelector: { matchLabels: { team: "alpha" } } }]), [
                "c/c1",
                "c/c2",
                "e/e1",
                "e/e2",
            ]);
            assert.deepEqual(sourcesAllowedBy([{ namespaceSelector: {} }]), ["c/c1", "c/c2", "d/d2", "e/e1", "e/e2"]);
        });

        it("namespaces carry kubernetes.io/metadata.name", () => {
            assert.deepEqual(
                sourcesAllowedBy([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "e" } } }]),
                ["e/e1", "e/e2"],
            );
        });

        it("podSelector + namespaceSelector in one peer is an AND; as two peers an OR", () => {
            const ns = { matchLabels: { team: "alpha" } };
            const pods = { matchLabels: { app: "web" } };
            assert.deepEqual(sourcesAllowedBy([{ namespaceSelector: ns, podSelector: pods }]), ["c/c1", "e/e1"]);
            assert.deepEqual(sourcesAllowedBy([{ namespaceSelector: ns }, { podSelector: pods }]), [
                "c/c1",
                "c/c2",
                "d/d2",
                "e/e1",
                "e/e2",
            ]);
        });

        it("matchExpressions operators, ANDed with matchLabels", () => {
            const labels = { app: "web", tier: "front" };
            assert.equal(labelSelectorMatches({}, labels), true);
            assert.equal(labelSelectorMatches({}, {}), true);
            const expr = (operator: "In" | "NotIn" | "Exists" | "DoesNotExist", key: string, values?: string[]) =>
                labelSelectorMatches({ matchExpressions: [{ key, operator, values }] }, labels);
            assert.equal(expr("In", "app", ["web", "db"]), true);
            assert.equal(expr("In", "app", ["db"]), false);
            assert.equal(expr("In", "missing", ["web"]), false);
            assert.equal(expr("NotIn", "app", ["db"]), true);
            assert.equal(expr("NotIn", "app", ["web"]), false);
            assert.equal(expr("NotIn", "missing", ["web"]), true, "NotIn matches an absent key");
            assert.equal(expr("Exists", "tier"), true);
            assert.equal(expr("Exists", "missing"), false);
            assert.equal(expr("DoesNotExist", "missing"), true);
            assert.equal(expr("DoesNotExist", "tier"), false);
            assert.equal(labelSelectorMatches({ matchLabels: { constructor: "x" } }, labels), false);
            const both: LabelSelector = {
                matchLabels: { app: "web" },
                matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }],
            };
            assert.equal(labelSelectorMatches(both, labels), false);
            assert.equal(labelSelectorMatches(both, { app: "web", tier: "back" }), true);
            assert.deepEqual(
                sourcesAllowedBy([
                    {
                        namespaceSelector: { matchExpressions: [{ key: "env", operator: "DoesNotExist" }] },
                        podSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] },
                    },
                ]),
                ["c/c2"],
            );
        });
    });

    describe("policyTypes defaulting", () => {
        it("omitted, with ingress rules only: Ingress", () => {
            const p = policy("a", "p", { podSelector: { matchLabels: { app: "web" } }, ingress: [{ from: [] }] });
            assert.deepEqual(effectivePolicyTypes(p), ["Ingress"]);
            assert.deepEqual(createEvaluator(cluster([p])).isolation(a1), { ingress: true, egress: false });
        });

        it("omitted, with egress rules: Ingress and Egress (so ingress becomes deny-all)", () => {
            const p = policy("a", "p", {
                podSelector: { matchLabels: { app: "web" } },
                egress: [{ ports: [{ port: 443 }] }],
            });
            assert.deepEqual(effectivePolicyTypes(p), ["Ingress", "Egress"]);
            const e = createEvaluator(cluster([p]));
            assert.deepEqual(e.isolation(a1), { ingress: true, egress: true });
            assert.equal(e.isAllowed(a2, a1, 8080), false);
            assert.equal(e.isAllowed(a1, ext, 443), true);
            assert.equal(e.isAllowed(a1, a2, 5432), false);
        });

        it("omitted, with `egress: []`: Ingress only (the API defaults on a non-empty egress list)", () => {
            const p = policy("a", "p", { podSelector: { matchLabels: { app: "web" } }, egress: [] });
            assert.deepEqual(effectivePolicyTypes(p), ["Ingress"]);
            assert.deepEqual(createEvaluator(cluster([p])).isolation(a1), { ingress: true, egress: false });
            assert.deepEqual(effectivePolicyTypes({ spec: { policyTypes: [] } }), ["Ingress"]);
            assert.deepEqual(effectivePolicyTypes({}), ["Ingress"]);
        });

        it("explicit policyTypes win; rules of an unlisted type are ignored", () => {
            const p = policy("a", "p", {
                podSelector: { matchLabels: { app: "web" } },
                policyTypes: ["Egress"],
                ingress: [{ from: [] }],
            });
            const e = createEvaluator(cluster([p]));
            assert.deepEqual(e.isolation(a1), { ingress: false, egress: true });
            assert.equal(e.isAllowed(a1, a2, 5432), false);
            assert.equal(e.isAllowed(a2, a1, 8080), true);
        });

        it("an omitted spec.podSelector selects every pod of the namespace", () => {
            const p: NetworkPolicy = { metadata: { name: "p", namespace: "a" }, spec: { policyTypes: ["Ingress"] } };
            const e = createEvaluator(cluster([p]));
            assert.deepEqual(
                [e.isolation(a1).ingress, e.isolation(a2).ingress, e.isolation(b1).ingress],
                [true, true, false],
            );
        });
    });

    describe("validation", () => {
        const cases: [string, NetworkPolicy, RegExp][] = [
            [
                "bad CIDR",
                policy("a", "p", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] }),
                /invalid CIDR/,
            ],
            [
                "non-CIDR",
                policy("a", "p", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.1" } }] }] }),
                /invalid CIDR/,
            ],
            [
                "except outside cidr",
                policy("a", "p", {
                    ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] } }] }],
                }),
                /strict subset/,
            ],
            [
                "except equal to cidr",
                policy("a", "p", {
                    ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.0.0/16"] } }] }],
                }),
                /strict subset/,
            ],
            [
                "except of the other family",
                policy("a", "p", {
                    ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["2001:db8::/32"] } }] }],
                }),
                /strict subset/,
            ],
            [
                "ipBlock with a selector",
                policy("a", "p", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }),
                /both ipBlock/,
            ],
            ["empty peer", policy("a", "p", { ingress: [{ from: [{}] }] }), /must specify a peer/],
            [
                "In without values",
                policy("a", "p", { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: [] }] } }),
                /non-empty/,
            ],
            [
                "Exists with values",
                policy("a", "p", {
                    podSelector: { matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] },
                }),
                /must be empty/,
            ],
            [
                "unknown operator",
                policy("a", "p", {
                    podSelector: { matchExpressions: [{ key: "app", operator: "Equals" as "In", values: ["x"] }] },
                }),
                /unknown operator/,
            ],
            [
                "named port with endPort",
                policy("a", "p", { ingress: [{ ports: [{ port: "http", endPort: 9000 }] }] }),
                /named port/,
            ],
            [
                "endPort below port",
                policy("a", "p", { ingress: [{ ports: [{ port: 9000, endPort: 80 }] }] }),
                /endPort/,
            ],
            ["endPort without port", policy("a", "p", { ingress: [{ ports: [{ endPort: 80 }] }] }), /endPort/],
            ["port 0", policy("a", "p", { ingress: [{ ports: [{ port: 0 }] }] }), /1-65535/],
            [
                "numeric string port",
                policy("a", "p", { ingress: [{ ports: [{ port: "80" }] }] }),
                /not a valid port name/,
            ],
            [
                "bad protocol",
                policy("a", "p", { ingress: [{ ports: [{ port: 80, protocol: "tcp" as Protocol }] }] }),
                /protocol/,
            ],
            ["bad policyType", policy("a", "p", { policyTypes: ["ingress" as PolicyType] }), /policyTypes/],
            ["no namespace", { metadata: { name: "p" }, spec: {} }, /metadata.namespace/],
            ["wrong kind", { kind: "CiliumNetworkPolicy", metadata: { name: "p", namespace: "a" } }, /kind/],
        ];
        for (const [name, bad, message] of cases) {
            it(`rejects ${name}`, () => {
                const errors = validateNetworkPolicy(bad);
                assert.ok(
                    errors.some((e) => message.test(e)),
                    errors.join("; ") || "no error reported",
                );
                assert.throws(() => createEvaluator(cluster([bad])), message);
            });
        }

        it("accepts the well-formed policies used above", () => {
            assert.deepEqual(validateNetworkPolicy(defaultDeny("a")), []);
            assert.deepEqual(
                validateNetworkPolicy(
                    policy("a", "p", {
                        ingress: [
                            {
                                from: [{ ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] } }],
                                ports: [{ port: "http" }],
                            },
                        ],
                    }),
                ),
                [],
            );
        });

        it("rejects pods in undeclared namespaces, duplicates, unknown endpoints and external-to-external queries", () => {
            assert.throws(() => createEvaluator(cluster([], { pods: [pod("nowhere", "x", {}, [])] })), /not declared/);
            assert.throws(() => createEvaluator(cluster([], { pods: [a1, a1] })), /declared twice/);
            assert.throws(
                () => createEvaluator(cluster([], { externalPeers: [{ name: "x", ip: "10.0.0.300" }] })),
                /invalid ip/,
            );
            const e = createEvaluator(cluster([]));
            assert.throws(() => e.isAllowed(pod("a", "ghost", {}, []), a1, 8080), /not a pod of the cluster/);
            assert.throws(() => e.isAllowed(ext, { name: "y", ip: "10.0.0.1" }, 80), /no pod at either end/);
            assert.throws(() => e.isAllowed(a1, a2, 70000), /invalid port/);
        });
    });

    describe("a matrix-shaped cluster", () => {
        it("computes exactly the edges of default deny + DNS + two edges", () => {
            const kubeDns = pod("kube-system", "kube-dns", { "k8s-app": "kube-dns" }, [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
            ]);
            const relay = pod("net", "relay", { app: "relay" }, [
                { name: "http", containerPort: 3200 },
                { name: "ws", containerPort: 3201 },
                { name: "metrics", containerPort: 9090 },
            ]);
            const kms = pod("net", "kms", { app: "kms-service" }, [{ name: "http", containerPort: 3300 }]);
            const nginx = pod("ingress-nginx", "controller", { app: "ingress-nginx" }, [{ containerPort: 443 }]);
            const aws: ExternalPeer = { name: "aws-apis", ip: "203.0.113.10" };
            const dnsEgress = policy("net", "allow-dns", {
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                            },
                        ],
                        ports: [
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                ],
            });
            const app = (name: string) => ({ matchLabels: { app: name } });
            const policies = [
                defaultDeny("net"),
                dnsEgress,
                policy("net", "relay-from-ingress", {
                    podSelector: app("relay"),
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
                            ports: [{ port: 3200 }, { port: 3201 }],
                        },
                    ],
                }),
                policy("net", "kms-from-relay", {
                    podSelector: app("kms-service"),
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ podSelector: app("relay") }], ports: [{ port: 3300 }] }],
                }),
                policy("net", "relay-to-kms", {
                    podSelector: app("relay"),
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ podSelector: app("kms-service") }], ports: [{ port: 3300 }] }],
                }),
            ];
            const c: Cluster = {
                namespaces: [
                    { name: "kube-system" },
                    { name: "ingress-nginx" },
                    { name: "net", labels: { network: "devnet" } },
                ],
                pods: [kubeDns, relay, kms, nginx],
                externalPeers: [aws],
                policies,
            };
            const expected = [
                "net/kms -> kube-system/kube-dns:53/TCP",
                "net/kms -> kube-system/kube-dns:53/UDP",
                "net/relay -> kube-system/kube-dns:53/TCP",
                "net/relay -> kube-system/kube-dns:53/UDP",
                "net/relay -> net/kms:3300/TCP",
                "ingress-nginx/controller -> net/relay:3200/TCP",
                "ingress-nginx/controller -> net/relay:3201/TCP",
            ];
            // kube-system and ingress-nginx have no policies: they may talk to each other and out.
            const unrestricted = allowedFlows(c).filter((f) => !f.startsWith("net/") && !/ -> net\//.test(f));
            const actual = allowedFlows(c).filter((f) => !unrestricted.includes(f));
            assertFlows(actual, expected);
            assert.ok(unrestricted.includes("ingress-nginx/controller -> external:aws-apis(203.0.113.10):443/TCP"));
            assert.ok(unrestricted.includes("kube-system/kube-dns -> ingress-nginx/controller:443/TCP"));
            assert.equal(
                formatFlow({ from: relay, to: aws, port: 443, protocol: "TCP" }),
                "net/relay -> external:aws-apis(203.0.113.10):443/TCP",
            );
        });
    });

    describe("performance", () => {
        it("evaluates 300 pods x 300 policies well under a second", () => {
            const namespaces = Array.from({ length: 30 }, (_, i) => ({ name: `ns${i}`, labels: { index: String(i) } }));
            const pods: Pod[] = [];
            const policies: NetworkPolicy[] = [];
            for (const { name: ns } of namespaces) {
                for (let j = 0; j < 10; j++) {
                    pods.push(
                        pod(ns, `p${j}`, { app: `app${j}`, tier: j % 2 === 0 ? "front" : "back" }, [
                            { name: "http", containerPort: 8000 + j },
                            { name: "metrics", containerPort: 9090 },
                        ]),
                    );
                }
                policies.push(defaultDeny(ns));
                for (let j = 0; j < 9; j++) {
                    policies.push(
                        policy(ns, `in-${j}`, {
                            podSelector: { matchLabels: { app: `app${j + 1}` } },
                            policyTypes: ["Ingress"],
                            ingress: [
                                {
                                    from: [{ podSelector: { matchLabels: { app: `app${j}` } } }],
                                    ports: [{ port: "http" }],
                                },
                                {
                                    from: [
                                        {
                                            namespaceSelector: {
                                                matchExpressions: [{ key: "index", operator: "In", values: ["0"] }],
                                            },
                                        },
                                    ],
                                    ports: [{ port: 9090 }],
                                },
                            ],
                        }),
                        policy(ns, `out-${j}`, {
                            podSelector: { matchLabels: { app: `app${j}` } },
                            policyTypes: ["Egress"],
                            egress: [
                                {
                                    to: [{ podSelector: { matchLabels: { app: `app${j + 1}` } } }],
                                    ports: [{ port: "http" }],
                                },
                                {
                                    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }],
                                    ports: [{ port: 443 }],
                                },
                            ],
                        }),
                    );
                }
            }
            const externalPeers = Array.from({ length: 10 }, (_, i) => ({ name: `x${i}`, ip: `198.51.100.${i + 1}` }));
            const started = process.hrtime.bigint();
            const flows = allowedFlows({ namespaces, pods, policies, externalPeers });
            const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
            // 30 namespaces x 9 chain edges, 30 x 9 pods x 10 externals on 443/TCP, and ns0 pods
            // cannot reach metrics (their egress only allows the chain + 443).
            assert.equal(flows.length, 30 * 9 + 30 * 9 * 10);
            assert.ok(elapsedMs < 1000, `took ${elapsedMs.toFixed(0)} ms`);
        });
    });

    // -----------------------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------------------

    describe("properties", () => {
        const NS = ["n1", "n2", "n3"];
        const namespaceArb = fc.constantFrom(...NS);
        const selectorArb: fc.Arbitrary<LabelSelector> = fc.oneof(
            fc.constant({}),
            fc.record({ matchLabels: fc.record({ app: fc.constantFrom("web", "db", "cache") }) }),
            fc.record({ matchLabels: fc.record({ team: fc.constantFrom("x", "y") }) }),
            fc.record({
                matchExpressions: fc.array(
                    fc.oneof(
                        fc.record({
                            key: fc.constantFrom("app", "tier", "team"),
                            operator: fc.constantFrom("In" as const, "NotIn" as const),
                            values: fc.subarray(["web", "db", "front", "x"], { minLength: 1 }),
                        }),
                        fc.record({
                            key: fc.constantFrom("app", "tier", "env"),
                            operator: fc.constantFrom("Exists" as const, "DoesNotExist" as const),
                        }),
                    ),
                    { minLength: 1, maxLength: 2 },
                ),
            }),
        );
        const ipBlockArb = fc.constantFrom(
            { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] },
            { cidr: "10.1.0.0/16" },
            { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] },
            { cidr: "0.0.0.0/0" },
            { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] },
        );
        const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
            fc.record({ podSelector: selectorArb }),
            fc.record({ namespaceSelector: selectorArb }),
            fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
            fc.record({ ipBlock: ipBlockArb }),
        );
        const portArb: fc.Arbitrary<NetworkPolicyPort> = fc.constantFrom<NetworkPolicyPort>(
            { port: 80 },
            { port: 443 },
            { port: 53, protocol: "UDP" },
            { port: "http" },
            { port: "dns", protocol: "UDP" },
            { port: 5000, endPort: 9200 },
            { protocol: "UDP" },
        );
        const peersArb = fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined });
        const portsArb = fc.option(fc.array(portArb, { maxLength: 2 }), { nil: undefined });
        const rulesArb = <K extends "from" | "to">(key: K) =>
            fc.option(
                fc.array(
                    fc
                        .record({ peers: peersArb, ports: portsArb })
                        .map(({ peers, ports }) => ({ [key]: peers, ports })),
                    { maxLength: 2 },
                ),
                { nil: undefined },
            );
        const policyArb: fc.Arbitrary<NetworkPolicy> = fc
            .record({
                namespace: namespaceArb,
                podSelector: selectorArb,
                policyTypes: fc.constantFrom<PolicyType[] | undefined>(
                    undefined,
                    ["Ingress"],
                    ["Egress"],
                    ["Ingress", "Egress"],
                ),
                ingress: rulesArb("from"),
                egress: rulesArb("to"),
            })
            .map(({ namespace, podSelector, policyTypes, ingress, egress }) => ({
                metadata: { name: "generated", namespace },
                spec: { podSelector, policyTypes, ingress, egress },
            }));
        const portPool = [
            { name: "http", containerPort: 80 },
            { name: "dns", containerPort: 53, protocol: "UDP" as const },
            { containerPort: 5432 },
            { name: "metrics", containerPort: 9100 },
            { containerPort: 443 },
        ];
        const podArb = fc.record({
            namespace: namespaceArb,
            labels: fc.record(
                { app: fc.constantFrom("web", "db", "cache"), tier: fc.constantFrom("front", "back") },
                { requiredKeys: [] },
            ),
            ports: fc.subarray(portPool, { minLength: 1 }),
            ip: fc.option(fc.constantFrom("10.0.0.9", "10.1.0.9", "192.168.0.9"), { nil: undefined }),
        });
        const clusterArb: fc.Arbitrary<Cluster> = fc
            .record({
                namespaceLabels: fc.tuple(
                    ...NS.map(() =>
                        fc.record(
                            { team: fc.constantFrom("x", "y"), env: fc.constantFrom("prod", "dev") },
                            { requiredKeys: ["team"] },
                        ),
                    ),
                ),
                pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
                externalPeers: fc.subarray([
                    { name: "e1", ip: "10.0.0.5" },
                    { name: "e2", ip: "10.1.2.3" },
                    { name: "e3", ip: "203.0.113.10" },
                    { name: "e4", ip: "2001:db8:1::1" },
                    { name: "e5", ip: "2001:db8:2::1" },
                ]),
                policies: fc.array(policyArb, { maxLength: 4 }),
            })
            .map(({ namespaceLabels, pods, externalPeers, policies }) => ({
                namespaces: NS.map((name, i) => ({ name, labels: namespaceLabels[i] })),
                pods: pods.map(({ ip, ...rest }, i) => ({
                    ...rest,
                    name: `p${i}`,
                    ...(ip === undefined ? {} : { ip }),
                })),
                externalPeers,
                policies: policies.map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `pol${i}` } })),
            }));
        const OPTIONS = { externalPorts: [53, 80, 443, 5432, 9100], includeExternalSources: true };

        const withPolicies = (c: Cluster, policies: NetworkPolicy[]): Cluster => ({ ...c, policies });
        const flowsOf = (c: Cluster) => allowedFlows(c, OPTIONS);
        const subset = (small: string[], big: string[]) => {
            const bigSet = new Set(big);
            return small.filter((f) => !bigSet.has(f));
        };

        it("generated policies are valid", () => {
            fc.assert(fc.property(policyArb, (p) => assert.deepEqual(validateNetworkPolicy(p), [])));
        });

        it("removing all policies, or making every rule allow-all, allows every candidate", () => {
            fc.assert(
                fc.property(clusterArb, (c) => {
                    const all = candidateFlows(c, OPTIONS);
                    assert.deepEqual(flowsOf(withPolicies(c, [])), all);
                    const permissive = c.policies.map((p) => ({
                        ...p,
                        spec: {
                            podSelector: p.spec?.podSelector,
                            policyTypes: effectivePolicyTypes(p),
                            ingress: [{}],
                            egress: [{}],
                        },
                    }));
                    assert.deepEqual(flowsOf(withPolicies(c, permissive)), all);
                    assert.deepEqual(subset(flowsOf(c), all), []);
                }),
            );
        });

        it("agrees with a naive reference model written straight from the API text", () => {
            fc.assert(
                fc.property(clusterArb, (c) => {
                    const e = createEvaluator(c);
                    const expected = e
                        .candidateFlowRecords(OPTIONS)
                        .filter((f) => referenceAllows(c, f.from, f.to, f.port, f.protocol))
                        .map(formatFlow);
                    assert.deepEqual(e.allowedFlows(OPTIONS), expected);
                    for (const f of e.candidateFlowRecords(OPTIONS)) {
                        assert.equal(e.isAllowed(f.from, f.to, f.port, f.protocol), expected.includes(formatFlow(f)));
                    }
                }),
                { numRuns: 300 },
            );
        });

        it("adding a policy only adds flows when it touches only already-isolated pods, only removes flows when it touches only non-isolated ones", () => {
            let widened = 0;
            let narrowed = 0;
            fc.assert(
                fc.property(clusterArb, policyArb, (c, added) => {
                    const before = createEvaluator(c);
                    const types = effectivePolicyTypes(added);
                    const selector = added.spec?.podSelector ?? {};
                    let touchesIsolated = false;
                    let touchesOpen = false;
                    for (const p of c.pods) {
                        if (
                            p.namespace !== added.metadata?.namespace ||
                            !labelSelectorMatches(selector, p.labels ?? {})
                        )
                            continue;
                        const isolation = before.isolation(p);
                        for (const type of types) {
                            const isolated = type === "Ingress" ? isolation.ingress : isolation.egress;
                            if (isolated) touchesIsolated = true;
                            else touchesOpen = true;
                        }
                    }
                    const flowsBefore = before.allowedFlows(OPTIONS);
                    const flowsAfter = flowsOf(withPolicies(c, [...c.policies, added]));
                    if (!touchesOpen) {
                        widened++;
                        assert.deepEqual(subset(flowsBefore, flowsAfter), [], "a flow disappeared");
                    }
                    if (!touchesIsolated) {
                        narrowed++;
                        assert.deepEqual(subset(flowsAfter, flowsBefore), [], "a flow appeared");
                    }
                }),
                { numRuns: 300 },
            );
            assert.ok(widened > 20 && narrowed > 20, `too few informative runs: ${widened} / ${narrowed}`);
        });

        it("a flow is allowed iff it passes the ingress-only and the egress-only versions of the policies", () => {
            const keepOnly = (policies: readonly NetworkPolicy[], type: PolicyType): NetworkPolicy[] =>
                policies
                    .filter((p) => effectivePolicyTypes(p).includes(type))
                    .map((p) => ({ ...p, spec: { ...p.spec, policyTypes: [type] } }));
            fc.assert(
                fc.property(clusterArb, (c) => {
                    const ingressOnly = new Set(flowsOf(withPolicies(c, keepOnly(c.policies, "Ingress"))));
                    const egressOnly = flowsOf(withPolicies(c, keepOnly(c.policies, "Egress")));
                    assert.deepEqual(
                        flowsOf(c),
                        egressOnly.filter((f) => ingressOnly.has(f)),
                    );
                }),
            );
        });

        it("is independent of policy order and of duplicated policies", () => {
            fc.assert(
                fc.property(
                    clusterArb.chain((c) =>
                        fc.tuple(
                            fc.constant(c),
                            fc.shuffledSubarray([...c.policies], { minLength: c.policies.length }),
                        ),
                    ),
                    ([c, shuffled]) => {
                        const flows = flowsOf(c);
                        assert.deepEqual(flowsOf(withPolicies(c, shuffled)), flows);
                        assert.deepEqual(flowsOf(withPolicies(c, [...c.policies, ...shuffled])), flows);
                    },
                ),
            );
        });
    });
});

// ---------------------------------------------------------------------------------------------
// A naive reference model: no compilation, no caches, evaluated per flow from the raw objects.
// ---------------------------------------------------------------------------------------------

function refSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const { key, operator, values } of selector.matchExpressions ?? []) {
        const has = Object.keys(labels).includes(key);
        const inValues = has && (values ?? []).includes(labels[key]);
        const ok = { In: inValues, NotIn: !inValues, Exists: has, DoesNotExist: !has }[operator];
        if (!ok) return false;
    }
    return true;
}

function refInCidr(ip: string, cidr: string): boolean {
    const addr = ipaddr.parse(ip);
    const [net, bits] = ipaddr.parseCIDR(cidr);
    return addr.kind() === net.kind() && addr.match(net, bits);
}

function refPeer(c: Cluster, peer: NetworkPolicyPeer, policyNamespace: string, who: Endpoint): boolean {
    if (peer.ipBlock) {
        const ip = who.ip;
        return (
            ip !== undefined &&
            refInCidr(ip, peer.ipBlock.cidr) &&
            !(peer.ipBlock.except ?? []).some((x) => refInCidr(ip, x))
        );
    }
    if (!isPod(who)) return false;
    const nsLabels = {
        ...c.namespaces.find((n) => n.name === who.namespace)?.labels,
        "kubernetes.io/metadata.name": who.namespace,
    };
    const nsOk = peer.namespaceSelector
        ? refSelector(peer.namespaceSelector, nsLabels)
        : who.namespace === policyNamespace;
    return nsOk && (peer.podSelector ? refSelector(peer.podSelector, { ...who.labels }) : true);
}

function refPort(p: NetworkPolicyPort, port: number, protocol: Protocol, destination: Endpoint): boolean {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === "string") {
        return (
            isPod(destination) &&
            destination.ports.some(
                (cp) => cp.name === p.port && cp.containerPort === port && (cp.protocol ?? "TCP") === protocol,
            )
        );
    }
    return p.endPort === undefined || p.endPort === null ? port === p.port : port >= p.port && port <= p.endPort;
}

/** Whether `owner`'s `type` direction allows talking with `other` (the destination is `destination`). */
function refSide(
    c: Cluster,
    owner: Endpoint,
    type: PolicyType,
    other: Endpoint,
    destination: Endpoint,
    port: number,
    protocol: Protocol,
): boolean {
    if (!isPod(owner)) return true;
    const selecting = c.policies.filter(
        (p) =>
            p.metadata?.namespace === owner.namespace &&
            refSelector(p.spec?.podSelector ?? {}, { ...owner.labels }) &&
            effectivePolicyTypes(p).includes(type),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) => {
        const rules: { peers?: NetworkPolicyPeer[] | null; ports?: NetworkPolicyPort[] | null }[] =
            type === "Ingress"
                ? (p.spec?.ingress ?? []).map((r) => ({
                      peers: r.from as NetworkPolicyPeer[],
                      ports: r.ports as NetworkPolicyPort[],
                  }))
                : (p.spec?.egress ?? []).map((r) => ({
                      peers: r.to as NetworkPolicyPeer[],
                      ports: r.ports as NetworkPolicyPort[],
                  }));
        return rules.some(
            (r) =>
                (!r.peers ||
                    r.peers.length === 0 ||
                    r.peers.some((peer) => refPeer(c, peer, p.metadata?.namespace ?? "", other))) &&
                (!r.ports || r.ports.length === 0 || r.ports.some((pp) => refPort(pp, port, protocol, destination))),
        );
    });
}

function referenceAllows(c: Cluster, from: Endpoint, to: Endpoint, port: number, protocol: Protocol): boolean {
    return refSide(c, from, "Egress", to, to, port, protocol) && refSide(c, to, "Ingress", from, to, port, protocol);
}
