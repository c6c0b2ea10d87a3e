/**
 * Network rules: one passing input and one mutation per failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import {
    ingressNoDefaultBackend,
    ingressNoSnippetAnnotations,
    ingressTlsAllHosts,
    isSnippetAnnotation,
    serviceNoExternalIps,
    serviceTypeAllowed,
    tlsCovers,
} from "../rules/network";
import { ingress, service } from "./compliantStack";
import { messagesOf, policyTable } from "./support";

describe("network policies", () => {
    const typeFix = (type: string) =>
        `use one of ["ClusterIP"] (policy config allowedServiceTypes) and reach the pods through ` +
        `the ingress: a ${type} Service is reachable from outside the cluster without the ingress's ` +
        `TLS and limits.`;
    policyTable(serviceTypeAllowed, service, (s) => s, [
        {
            name: "LoadBalancer",
            mutate: (s) => void (s.props.spec.type = "LoadBalancer"),
            messages: [`spec.type is "LoadBalancer"; ${typeFix("LoadBalancer")}`],
        },
        {
            name: "NodePort",
            mutate: (s) => void (s.props.spec.type = "NodePort"),
            messages: [`spec.type is "NodePort"; ${typeFix("NodePort")}`],
        },
    ]);

    it("service-type-allowed follows allowedServiceTypes", async () => {
        const s = service();
        s.props.spec.type = "LoadBalancer";
        assert.deepEqual(
            await messagesOf(serviceTypeAllowed, s, { allowedServiceTypes: ["ClusterIP", "LoadBalancer"] }),
            [],
        );
        const plain = service();
        assert.deepEqual(await messagesOf(serviceTypeAllowed, plain, { allowedServiceTypes: ["LoadBalancer"] }), [
            `spec.type is unset (ClusterIP); use one of ["LoadBalancer"] (policy config ` +
                `allowedServiceTypes) and reach the pods through the ingress: a ClusterIP Service is ` +
                `reachable from outside the cluster without the ingress's TLS and limits.`,
        ]);
    });

    policyTable(serviceNoExternalIps, service, (s) => s, [
        {
            name: "externalIPs",
            mutate: (s) => void (s.props.spec.externalIPs = ["203.0.113.10"]),
            messages: [
                `spec.externalIPs is ["203.0.113.10"]; remove it and publish the Service through the ` +
                    `ingress: external IPs let a Service capture traffic for any address (CVE-2020-8554).`,
            ],
        },
    ]);

    const tls = '["relay.messaging.example.org","*.ws.messaging.example.org"]';
    policyTable(ingressTlsAllHosts, ingress, (i) => i, [
        {
            name: "a host outside the TLS hosts",
            mutate: (i) => void (i.props.spec.rules[0].host = "api.messaging.example.org"),
            messages: [
                `spec.rules[0].host is "api.messaging.example.org" but spec.tls covers ${tls}; add ` +
                    `"api.messaging.example.org" to a spec.tls[].hosts entry (with the secretName of its ` +
                    `certificate) so the host is never served over plain HTTP.`,
            ],
        },
        {
            name: "a wildcard covers one label only",
            mutate: (i) => void (i.props.spec.rules[1].host = "a.eu.ws.messaging.example.org"),
            messages: [
                `spec.rules[1].host is "a.eu.ws.messaging.example.org" but spec.tls covers ${tls}; add ` +
                    `"a.eu.ws.messaging.example.org" to a spec.tls[].hosts entry (with the secretName of its ` +
                    `certificate) so the host is never served over plain HTTP.`,
            ],
        },
        {
            name: "no TLS at all",
            mutate: (i) => void delete i.props.spec.tls,
            messages: [
                `spec.rules[0].host is "relay.messaging.example.org" but spec.tls covers []; add ` +
                    `"relay.messaging.example.org" to a spec.tls[].hosts entry (with the secretName of its ` +
                    `certificate) so the host is never served over plain HTTP.`,
                `spec.rules[1].host is "eu.ws.messaging.example.org" but spec.tls covers []; add ` +
                    `"eu.ws.messaging.example.org" to a spec.tls[].hosts entry (with the secretName of its ` +
                    `certificate) so the host is never served over plain HTTP.`,
            ],
        },
        {
            name: "a rule without a host",
            mutate: (i) => void delete i.props.spec.rules[0].host,
            messages: [
                `spec.rules[0].host is unset; name the host so TLS can cover it: a rule without a host answers any Host header, over plain HTTP too.`,
            ],
        },
    ]);

    it("tlsCovers matches exact hosts and one-label wildcards, case-insensitively", () => {
        assert.equal(tlsCovers("Relay.Example.org", "relay.example.org"), true);
        assert.equal(tlsCovers("*.example.org", "a.example.org"), true);
        assert.equal(tlsCovers("*.example.org", "a.b.example.org"), false);
        assert.equal(tlsCovers("*.example.org", "example.org"), false);
    });

    policyTable(ingressNoDefaultBackend, ingress, (i) => i, [
        {
            name: "a default backend",
            mutate: (i) => void (i.props.spec.defaultBackend = { service: { name: "relay", port: { name: "http" } } }),
            messages: [
                'spec.defaultBackend is {"service":{"name":"relay","port":{"name":"http"}}}; remove it and route only ' +
                    "named hosts and paths, so unknown hosts get the controller's 404 rather than this service.",
            ],
        },
    ]);

    policyTable(ingressNoSnippetAnnotations, ingress, (i) => i, [
        {
            name: "a configuration snippet",
            mutate: (i) =>
                void (i.props.metadata.annotations = {
                    "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers 'X: y';",
                    "nginx.ingress.kubernetes.io/proxy-body-size": "1048576",
                }),
            messages: [
                'metadata.annotations["nginx.ingress.kubernetes.io/configuration-snippet"] is set; remove it and use ' +
                    "the controller's dedicated annotations (timeouts, body size, affinity, redirects): a snippet " +
                    "injects raw nginx configuration.",
            ],
        },
    ]);

    it("knows a snippet annotation by its name, whatever the prefix", () => {
        assert.deepEqual(
            [
                "nginx.ingress.kubernetes.io/server-snippet",
                "nginx.ingress.kubernetes.io/auth-snippet",
                "nginx.org/server-snippets",
                "stream-snippet",
                "nginx.ingress.kubernetes.io/ssl-redirect",
                "nginx.ingress.kubernetes.io/snippet-allowed-note",
            ].map(isSnippetAnnotation),
            [true, true, false, true, false, false],
        );
    });
});
