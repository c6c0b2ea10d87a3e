/**
 * service-selects-workload, network-policy-selects-pods and ingress-backend-exists
 * (rules/stack/selectors.ts): one passing stack and one mutation per failing condition, with exact
 * messages; the pods of every pod-bearing kind count, headless Services are checked, Services without
 * a selector and empty podSelectors are skipped, matchExpressions are evaluated.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { ingressBackendExists, networkPolicySelectsPods, serviceSelectsWorkload } from "../../rules/stack/selectors";
import {
    cronJob,
    defaultDeny,
    deployment,
    ingress,
    k8s,
    NS,
    provider,
    selector,
    service,
    statefulSet,
} from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited as raw JSON
type Json = any;

/** The object store's headless Service, labelled apart as the Workload component labels it. */
function headlessService(): OfflineResource {
    return res(
        "kubernetes:core/v1:Service",
        "object-store-headless",
        {
            metadata: {
                name: "object-store-headless",
                namespace: NS,
                labels: { ...selector("object-store"), "messaging-infra/headless-service": "true" },
            },
            spec: {
                clusterIP: "None",
                selector: selector("object-store"),
                ports: [{ name: "s3", port: 9000, targetPort: "s3" }],
            },
        },
        k8s,
    );
}

/** An allow rule for the relay's pods (ingress from the ingress controller), selecting them by expression. */
function allowRelay(): OfflineResource {
    return res(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "allow-relay-ingress",
        {
            metadata: { name: "allow-relay-ingress", namespace: NS },
            spec: {
                podSelector: {
                    matchLabels: { "app.kubernetes.io/instance": "mainnet" },
                    matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["relay", "api"] }],
                },
                policyTypes: ["Ingress"],
                ingress: [{ ports: [{ port: 3200, protocol: "TCP" }] }],
            },
        },
        k8s,
    );
}

/** The store's backup CronJob, its pods labelled as the program labels them. */
function backupJob(): OfflineResource {
    const c = cronJob();
    c.props.spec.jobTemplate.spec.template.metadata = { labels: selector("object-store-backup") };
    return c;
}

function stack() {
    return {
        p: provider(),
        d: deployment(),
        s: statefulSet(),
        c: backupJob(),
        svc: service(),
        hs: headlessService(),
        dd: defaultDeny(),
        np: allowRelay(),
        i: ingress(),
    } as Record<"p" | "d" | "s" | "c" | "svc" | "hs" | "dd" | "np" | "i", Json>;
}
const list = (s: ReturnType<typeof stack>) => Object.values(s) as OfflineResource[];

const noEndpoints = (what: string, sel: Record<string, string>, ns = NS) =>
    `${what} has spec.selector ${JSON.stringify(sel)} but no pod template in "${ns}" (Deployment, StatefulSet, ` +
    "DaemonSet, ReplicaSet, Job, CronJob or Pod) carries all those labels, so the Service has no endpoints and " +
    "every connection to it fails; set spec.selector to the pod template labels of the workload it fronts.";
const RELAY_SVC = 'Service "relay" in namespace "messaging-mainnet"';
const HEADLESS_SVC = 'Service "object-store-headless" in namespace "messaging-mainnet"';

const selectsNothing = (selectorJson: string, ns = NS) =>
    `NetworkPolicy "allow-relay-ingress" in namespace "${ns}" has spec.podSelector ${selectorJson} but no pod ` +
    `template in "${ns}" (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod) matches it, so it ` +
    "applies to no pod and the flows it allows stay closed; set spec.podSelector to the labels of the pods it is " +
    "meant for.";

const INGRESS = 'Ingress "relay" in namespace "messaging-mainnet"';
const noService = (path: string, name: string) =>
    `${INGRESS}: ${path}.service names Service "${name}", but the stack has no Service of that name in ` +
    '"messaging-mainnet" (an Ingress reaches Services of its own namespace only), so that path answers 503; point ' +
    "it at a Service of this namespace.";
const noPort = (path: string, port: string) =>
    `${INGRESS}: ${path}.service.port is ${port} but Service "relay" exposes 3200 ("http"), 3201 ("ws"), so that ` +
    "path answers 503; set port.number to one of its ports or port.name to one of its port names.";
const RULE1 = "spec.rules[1].http.paths[0].backend";

describe("stack policies", () => {
    describe("selector integrity", () => {
        policyTable(serviceSelectsWorkload, stack, list, [
            {
                name: "a selector value no pod template carries",
                mutate: (s) => void (s.svc.props.spec.selector = selector("relay-v2")),
                messages: [noEndpoints(RELAY_SVC, selector("relay-v2"))],
            },
            {
                name: "one selector label more than the pods carry",
                mutate: (s) => void (s.svc.props.spec.selector = { ...selector("relay"), tier: "edge" }),
                messages: [noEndpoints(RELAY_SVC, { ...selector("relay"), tier: "edge" })],
            },
            {
                name: "a headless Service whose selector misses the StatefulSet's pods",
                mutate: (s) => void (s.hs.props.spec.selector = selector("objectstore")),
                messages: [noEndpoints(HEADLESS_SVC, selector("objectstore"))],
            },
            {
                name: "the workload in another namespace",
                mutate: (s) => void (s.d.props.metadata.namespace = "messaging-other"),
                messages: [noEndpoints(RELAY_SVC, selector("relay"))],
            },
        ]);

        it("service-selects-workload counts every pod-bearing kind and skips Services without a selector", async () => {
            const s = stack();
            // The backup CronJob's pods are the only ones with these labels.
            s.svc.props.spec.selector = selector("object-store-backup");
            assert.deepEqual(await messagesOf(serviceSelectsWorkload, list(s)), []);
            const bare = res(
                "kubernetes:core/v1:Pod",
                "debug",
                { metadata: { name: "debug", namespace: NS, labels: { app: "debug" } }, spec: { containers: [] } },
                k8s,
            );
            s.svc.props.spec.selector = { app: "debug" };
            assert.deepEqual(await messagesOf(serviceSelectsWorkload, [...list(s), bare]), []);
            for (const spec of [
                { type: "ExternalName", externalName: "db.example.org", selector: { app: "none" } },
                { ports: [{ port: 5432 }] },
                { selector: {}, ports: [{ port: 5432 }] },
            ]) {
                s.svc.props.spec = spec;
                assert.deepEqual(await messagesOf(serviceSelectsWorkload, list(s)), [], JSON.stringify(spec));
            }
        });

        policyTable(networkPolicySelectsPods, stack, list, [
            {
                name: "matchLabels no pod carries",
                mutate: (s) =>
                    void (s.np.props.spec.podSelector.matchLabels = { "app.kubernetes.io/instance": "testnet" }),
                messages: [
                    selectsNothing(
                        '{"matchLabels":{"app.kubernetes.io/instance":"testnet"},"matchExpressions":[{"key":' +
                            '"app.kubernetes.io/name","operator":"In","values":["relay","api"]}]}',
                    ),
                ],
            },
            {
                name: "an In expression no pod satisfies",
                mutate: (s) => void (s.np.props.spec.podSelector.matchExpressions[0].values = ["api"]),
                messages: [
                    selectsNothing(
                        '{"matchLabels":{"app.kubernetes.io/instance":"mainnet"},"matchExpressions":[{"key":' +
                            '"app.kubernetes.io/name","operator":"In","values":["api"]}]}',
                    ),
                ],
            },
            {
                name: "a NotIn expression that excludes every pod",
                mutate: (s) =>
                    void (s.np.props.spec.podSelector = {
                        matchExpressions: [
                            {
                                key: "app.kubernetes.io/name",
                                operator: "NotIn",
                                values: ["relay", "object-store", "object-store-backup"],
                            },
                        ],
                    }),
                messages: [
                    selectsNothing(
                        '{"matchExpressions":[{"key":"app.kubernetes.io/name","operator":"NotIn","values":["relay",' +
                            '"object-store","object-store-backup"]}]}',
                    ),
                ],
            },
            {
                name: "an Exists expression on a label no pod has",
                mutate: (s) =>
                    void (s.np.props.spec.podSelector = { matchExpressions: [{ key: "tier", operator: "Exists" }] }),
                messages: [selectsNothing('{"matchExpressions":[{"key":"tier","operator":"Exists"}]}')],
            },
            {
                name: "a DoesNotExist expression on a label every pod has",
                mutate: (s) =>
                    void (s.np.props.spec.podSelector = {
                        matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "DoesNotExist" }],
                    }),
                messages: [
                    selectsNothing(
                        '{"matchExpressions":[{"key":"app.kubernetes.io/instance","operator":"DoesNotExist"}]}',
                    ),
                ],
            },
            {
                name: "a policy in a namespace whose pods it does not select",
                mutate: (s) => void (s.np.props.metadata.namespace = "messaging-other"),
                messages: [
                    selectsNothing(
                        '{"matchLabels":{"app.kubernetes.io/instance":"mainnet"},"matchExpressions":[{"key":' +
                            '"app.kubernetes.io/name","operator":"In","values":["relay","api"]}]}',
                        "messaging-other",
                    ),
                ],
            },
        ]);

        it("network-policy-selects-pods skips an empty podSelector, even in a namespace without pods", async () => {
            const s = stack();
            s.dd.props.metadata.namespace = "messaging-empty";
            s.np.props.spec.podSelector = {};
            assert.deepEqual(await messagesOf(networkPolicySelectsPods, list(s)), []);
            s.np.props.spec.podSelector = { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] };
            assert.deepEqual(
                await messagesOf(networkPolicySelectsPods, list(s)),
                [],
                "DoesNotExist on a missing label",
            );
        });

        policyTable(ingressBackendExists, stack, list, [
            {
                name: "a backend naming a Service that does not exist",
                mutate: (s) => void (s.i.props.spec.rules[1].http.paths[0].backend.service.name = "relay-ws"),
                messages: [noService(RULE1, "relay-ws")],
            },
            {
                name: "a backend Service in another namespace",
                mutate: (s) => void (s.svc.props.metadata.namespace = "messaging-other"),
                messages: [noService("spec.rules[0].http.paths[0].backend", "relay"), noService(RULE1, "relay")],
            },
            {
                name: "a defaultBackend naming a missing Service",
                mutate: (s) =>
                    void (s.i.props.spec.defaultBackend = { service: { name: "fallback", port: { number: 80 } } }),
                messages: [noService("spec.defaultBackend", "fallback")],
            },
            {
                name: "a port number the Service does not expose",
                mutate: (s) => void (s.i.props.spec.rules[1].http.paths[0].backend.service.port = { number: 3202 }),
                messages: [noPort(RULE1, '{"number":3202}')],
            },
            {
                name: "a port name the Service does not have",
                mutate: (s) =>
                    void (s.i.props.spec.rules[1].http.paths[0].backend.service.port = { name: "websocket" }),
                messages: [noPort(RULE1, '{"name":"websocket"}')],
            },
            {
                name: "the container's targetPort number rather than the Service's port",
                mutate: (s) => {
                    s.svc.props.spec.ports[1] = { name: "ws", port: 80, targetPort: 3201 };
                    s.i.props.spec.rules[1].http.paths[0].backend.service.port = { number: 3201 };
                },
                messages: [
                    `${INGRESS}: ${RULE1}.service.port is {"number":3201} but Service "relay" exposes 3200 ("http"), ` +
                        '80 ("ws"), so that path answers 503; set port.number to one of its ports or port.name to one ' +
                        "of its port names.",
                ],
            },
            {
                name: "no port at all",
                mutate: (s) => void delete s.i.props.spec.rules[1].http.paths[0].backend.service.port,
                messages: [noPort(RULE1, "unset")],
            },
        ]);

        it("ingress-backend-exists finds an auto-named Service by the name its outputs carry (stack policies see them)", async () => {
            const s = stack();
            delete s.svc.props.metadata.name;
            s.svc.outputs = { metadata: { name: "relay-svc-mocksfx", namespace: NS } };
            for (const rule of s.i.props.spec.rules) rule.http.paths[0].backend.service.name = "relay-svc-mocksfx";
            assert.deepEqual(await messagesOf(ingressBackendExists, list(s)), []);
            s.i.props.spec.rules[1].http.paths[0].backend.service.name = "relay-svc";
            assert.deepEqual(await messagesOf(ingressBackendExists, list(s)), [noService(RULE1, "relay-svc")]);
        });

        it("ingress-backend-exists accepts a port by name and a defaultBackend, and skips resource backends", async () => {
            const s = stack();
            s.i.props.spec.rules[1].http.paths[0].backend.service.port = { name: "ws" };
            s.i.props.spec.defaultBackend = { service: { name: "relay", port: { name: "http" } } };
            s.i.props.spec.rules[0].http.paths.push({
                path: "/static",
                pathType: "Prefix",
                backend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "static" } },
            });
            assert.deepEqual(await messagesOf(ingressBackendExists, list(s)), []);
        });
    });
});
