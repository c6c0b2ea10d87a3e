import * as assert from "node:assert/strict";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
    ingressAnnotations,
    IngressRoute,
    ingressSpec,
    PublicEndpoint,
    PublicEndpointArgs,
    publicEndpointProblems,
    tlsSecretName,
} from "../../../components/k8s/ingress";
import { registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { Json, only } from "../../support/workloadFixtures";

/** A valid PublicEndpoint's arguments; each bad-input case mutates one thing. */
function validArgs(overrides: Partial<PublicEndpointArgs> = {}): PublicEndpointArgs {
    return {
        network: "testnet",
        namespace: "messaging-testnet",
        service: "relay",
        serviceName: "relay",
        host: "relay.testnet.messaging.example.org",
        className: "nginx",
        clusterIssuer: "letsencrypt-prod",
        routes: [
            { path: "/", pathType: "Prefix", port: "http" },
            { path: "/ws", pathType: "Exact", port: "ws" },
        ],
        maxBodyBytes: 1048576,
        ...overrides,
    };
}

const NGINX = "nginx.ingress.kubernetes.io";
const base = {
    "cert-manager.io/cluster-issuer": "letsencrypt-prod",
    [`${NGINX}/ssl-redirect`]: "true",
    [`${NGINX}/force-ssl-redirect`]: "true",
    [`${NGINX}/proxy-body-size`]: "1048576",
};
const websocket = {
    [`${NGINX}/proxy-read-timeout`]: "3600",
    [`${NGINX}/proxy-send-timeout`]: "3600",
    [`${NGINX}/proxy-http-version`]: "1.1",
};
const sticky = {
    [`${NGINX}/affinity`]: "cookie",
    [`${NGINX}/affinity-mode`]: "persistent",
    [`${NGINX}/session-cookie-name`]: "relay_route",
    [`${NGINX}/session-cookie-max-age`]: "86400",
    [`${NGINX}/session-cookie-secure`]: "true",
    [`${NGINX}/session-cookie-samesite`]: "Strict",
};
const stickySessions = { cookieName: "relay_route", maxAgeSeconds: 86400 };

/** Runs one PublicEndpoint under the mock engine, its backend Service name an Output as a Workload gives it. */
function run(args: PublicEndpointArgs) {
    return runInMockEngine(
        () => {
            const endpoint = new PublicEndpoint("relay-public", {
                ...args,
                serviceName: pulumi.output(args.serviceName),
            });
            return { ingressName: endpoint.ingressName, host: endpoint.host, tlsSecretName: endpoint.tlsSecretName };
        },
        { project: "messaging-infra", stack: "testnet" },
    );
}

describe("k8s PublicEndpoint: pure derivations", () => {
    it("names the TLS Secret after the service", () => {
        const table: [string, string][] = [
            ["relay", "relay-tls"],
            ["messaging-api", "messaging-api-tls"],
        ];
        for (const [service, secret] of table) assert.equal(tlsSecretName(service), secret);
    });

    it("annotates for cert-manager, HTTPS only and the body limit, plus WebSocket and affinity when asked", () => {
        const table: [string, Partial<PublicEndpointArgs>, Record<string, string>][] = [
            ["plain HTTP API", {}, base],
            ["WebSocket upstream", { websocketTimeoutSeconds: 3600 }, { ...base, ...websocket }],
            ["sticky sessions", { stickySessions }, { ...base, ...sticky }],
            ["both", { websocketTimeoutSeconds: 3600, stickySessions }, { ...base, ...websocket, ...sticky }],
            [
                "a 20 MiB body limit, in plain bytes",
                { maxBodyBytes: 20 * 1024 * 1024 },
                { ...base, [`${NGINX}/proxy-body-size`]: "20971520" },
            ],
        ];
        for (const [what, overrides, expected] of table) {
            assert.deepEqual(ingressAnnotations(validArgs(overrides)), expected, what);
        }
    });

    it("renders the class, TLS for the host and one rule with the routes in order, without a default backend", () => {
        const spec = ingressSpec(validArgs({ serviceName: "relay-svc" })) as Json;
        assert.deepEqual(Object.keys(spec).sort(), ["ingressClassName", "rules", "tls"]);
        assert.equal(spec.ingressClassName, "nginx");
        assert.deepEqual(spec.tls, [{ hosts: ["relay.testnet.messaging.example.org"], secretName: "relay-tls" }]);
        assert.equal(spec.rules.length, 1);
        assert.equal(spec.rules[0].host, "relay.testnet.messaging.example.org");
        assert.deepEqual(spec.rules[0].http.paths, [
            { path: "/", pathType: "Prefix", backend: { service: { name: "relay-svc", port: { name: "http" } } } },
            { path: "/ws", pathType: "Exact", backend: { service: { name: "relay-svc", port: { name: "ws" } } } },
        ]);
    });

    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    const route: fc.Arbitrary<IngressRoute> = fc.record({
        path: fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
        pathType: fc.constantFrom("Prefix" as const, "Exact" as const),
        port: fc.constantFrom("http", "ws", "metrics", "grpc-web", "h2c"),
    });
    // Generated paths never end in '/' (but the root), so routes unique by (pathType, path) are unique as matched.
    const routes = fc.uniqueArray(route, {
        minLength: 1,
        maxLength: 8,
        selector: (r) => `${r.pathType} ${r.path}`,
    });

    it("property: any valid route list is accepted and rendered as exactly those paths, in order", () => {
        fc.assert(
            fc.property(routes, (generated) => {
                const args = validArgs({ routes: generated });
                assert.deepEqual(publicEndpointProblems(args), []);
                const spec = ingressSpec(args) as Json;
                assert.equal("defaultBackend" in spec, false);
                assert.equal(spec.rules.length, 1);
                assert.deepEqual(
                    spec.rules[0].http.paths.map((p: Json) => [p.path, p.pathType, p.backend.service.port.name]),
                    generated.map((r) => [r.path, r.pathType, r.port]),
                );
            }),
            { numRuns: 200 },
        );
    });

    it("property: no argument ever produces a snippet annotation", () => {
        const options = fc.record(
            {
                websocketTimeoutSeconds: fc.integer({ min: 60, max: 86400 }),
                stickySessions: fc.record({
                    cookieName: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
                    maxAgeSeconds: fc.integer({ min: 60, max: 31536000 }),
                }),
                maxBodyBytes: fc.integer({ min: 1, max: 1024 ** 3 }),
            },
            { requiredKeys: ["maxBodyBytes"] },
        );
        fc.assert(
            fc.property(options, (overrides) => {
                const annotations = ingressAnnotations(validArgs(overrides));
                assert.deepEqual(
                    Object.keys(annotations).filter((key) => key.endsWith("-snippet") || key.endsWith("-snippets")),
                    [],
                );
                for (const value of Object.values(annotations)) assert.equal(typeof value, "string");
            }),
            { numRuns: 100 },
        );
    });
});

describe("k8s PublicEndpoint: resources under the mock engine", () => {
    it("registers exactly one Ingress under itself, with the labels, annotations and spec", async () => {
        const { resources, outputs } = await run(
            validArgs({ serviceName: "relay-svc", websocketTimeoutSeconds: 3600, stickySessions }),
        );
        const component = only(resources, "messaging:k8s:PublicEndpoint");
        assert.deepEqual(
            resources.filter((r) => r !== component).map((r) => [r.type, r.name, r.parent === component.urn]),
            [["kubernetes:networking.k8s.io/v1:Ingress", "relay-public-ingress", true]],
        );
        const ingress = only(resources, "kubernetes:networking.k8s.io/v1:Ingress").inputs as Json;
        assert.equal(ingress.metadata.name, "relay");
        assert.equal(ingress.metadata.namespace, "messaging-testnet");
        assert.deepEqual(ingress.metadata.labels, {
            "app.kubernetes.io/name": "relay",
            "app.kubernetes.io/instance": "testnet",
            "app.kubernetes.io/component": "ingress",
            "app.kubernetes.io/part-of": "messaging-infra",
            "app.kubernetes.io/managed-by": "pulumi",
        });
        assert.deepEqual(ingress.metadata.annotations, { ...base, ...websocket, ...sticky });
        assert.equal(ingress.spec.ingressClassName, "nginx");
        assert.deepEqual(ingress.spec.tls, [
            { hosts: ["relay.testnet.messaging.example.org"], secretName: "relay-tls" },
        ]);
        assert.equal(ingress.spec.defaultBackend, undefined);
        assert.deepEqual(
            ingress.spec.rules[0].http.paths.map((p: Json) => p.backend.service),
            [
                { name: "relay-svc", port: { name: "http" } },
                { name: "relay-svc", port: { name: "ws" } },
            ],
        );
        assert.deepEqual(outputs, {
            ingressName: "relay",
            host: "relay.testnet.messaging.example.org",
            tlsSecretName: "relay-tls",
        });
    });
});

describe("k8s PublicEndpoint: bad input", () => {
    const header = (n: number, fix = "Fix the caller") =>
        `Invalid arguments to messaging:k8s:PublicEndpoint "relay-public": ${n} problem${n === 1 ? "" : "s"}. ${fix}:`;
    const label =
        "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
    const fqdn =
        "a fully qualified DNS name: lower-case DNS-1123 labels joined by '.', at least one dot, a top-level label that is " +
        "not all digits, at most 253 characters, no wildcard or trailing dot (e.g. api.messaging.example.org)";
    const pathAllowed =
        "an HTTP path starting with /, of letters, digits, '/', '_' and '-' only (no spaces, wildcards or regex characters)";
    const portName =
        "an IANA service name: lower-case letters, digits and '-', at most 15 characters, at least one letter";
    const bodyBytes = "an integer from 1 to 1073741824 (bytes, at most 1 GiB)";
    const timeoutSeconds = "an integer from 60 to 86400 (seconds)";
    const cookieName = "a cookie name: letters, digits, '-' and '_'";
    const maxAge = "an integer from 60 to 31536000 (seconds)";
    const oneRoute = (r: Partial<IngressRoute>): Partial<PublicEndpointArgs> => ({
        routes: [{ path: "/", pathType: "Prefix", port: "http", ...r }],
    });

    it("accepts the valid fixture", () => {
        assert.deepEqual(publicEndpointProblems(validArgs()), []);
        assert.deepEqual(publicEndpointProblems(validArgs({ websocketTimeoutSeconds: 60, stickySessions })), []);
    });

    const cases: [string, Partial<PublicEndpointArgs>, string][] = [
        ["a service that is not a label", { service: "Relay" }, `  - service: got "Relay"; allowed: ${label}`],
        ["a host without a dot", { host: "relay" }, `  - host: got "relay"; allowed: ${fqdn}`],
        ["an upper-case host", { host: "Relay.example.org" }, `  - host: got "Relay.example.org"; allowed: ${fqdn}`],
        ["a wildcard host", { host: "*.example.org" }, `  - host: got "*.example.org"; allowed: ${fqdn}`],
        ["an IP address as host", { host: "10.0.0.1" }, `  - host: got "10.0.0.1"; allowed: ${fqdn}`],
        [
            "a host of another network",
            { host: "relay.mainnet.messaging.example.org" },
            '  - host: got "relay.mainnet.messaging.example.org"; allowed: a host of testnet, not one naming mainnet',
        ],
        [
            "a class that is not a label",
            { className: "nginx.public" },
            `  - className: got "nginx.public"; allowed: ${label}`,
        ],
        [
            "an issuer with capitals",
            { clusterIssuer: "LetsEncrypt" },
            `  - clusterIssuer: got "LetsEncrypt"; allowed: ${label}`,
        ],
        ["no routes", { routes: [] }, "  - routes: got []; allowed: at least one route (path, pathType, port)"],
        ["a path without /", oneRoute({ path: "api" }), `  - routes[0].path: got "api"; allowed: ${pathAllowed}`],
        ["a path with a space", oneRoute({ path: "/a b" }), `  - routes[0].path: got "/a b"; allowed: ${pathAllowed}`],
        ["a wildcard path", oneRoute({ path: "/api/*" }), `  - routes[0].path: got "/api/*"; allowed: ${pathAllowed}`],
        [
            "a regex path",
            oneRoute({ path: "/(v1|v2)$" }),
            `  - routes[0].path: got "/(v1|v2)$"; allowed: ${pathAllowed}`,
        ],
        [
            "an unknown path type",
            oneRoute({ pathType: "Regex" as IngressRoute["pathType"] }),
            '  - routes[0].pathType: got "Regex"; allowed: Prefix, Exact or ImplementationSpecific (a literal prefix)',
        ],
        [
            "a regex in an ImplementationSpecific path",
            oneRoute({ path: "/socket.io/(.*)", pathType: "ImplementationSpecific" }),
            '  - routes[0].path: got "/socket.io/(.*)"; allowed: a literal HTTP path starting with /, of letters, ' +
                "digits, '/', '_', '-', '.' and '~' only (no regex characters)",
        ],
        [
            "the same path and type twice",
            {
                routes: [
                    { path: "/ws", pathType: "Exact", port: "ws" },
                    { path: "/ws", pathType: "Exact", port: "http" },
                ],
            },
            '  - routes[1].path: got "/ws"; allowed: a path not already routed by routes[0] (/ws, Exact)',
        ],
        [
            "one prefix with and without a trailing slash",
            {
                routes: [
                    { path: "/api", pathType: "Prefix", port: "http" },
                    { path: "/api/", pathType: "Prefix", port: "http" },
                ],
            },
            '  - routes[1].path: got "/api/"; allowed: a path not already routed by routes[0] (/api, Prefix)',
        ],
        ["a port number as port", oneRoute({ port: "3200" }), `  - routes[0].port: got "3200"; allowed: ${portName}`],
        [
            "a port name with capitals",
            oneRoute({ port: "HTTP" }),
            `  - routes[0].port: got "HTTP"; allowed: ${portName}`,
        ],
        ["no body limit at all", { maxBodyBytes: 0 }, `  - maxBodyBytes: got 0; allowed: ${bodyBytes}`],
        [
            "a body over 1 GiB",
            { maxBodyBytes: 1024 ** 3 + 1 },
            `  - maxBodyBytes: got 1073741825; allowed: ${bodyBytes}`,
        ],
        ["a fractional body limit", { maxBodyBytes: 1.5 }, `  - maxBodyBytes: got 1.5; allowed: ${bodyBytes}`],
        [
            "a WebSocket timeout under a minute",
            { websocketTimeoutSeconds: 59 },
            `  - websocketTimeoutSeconds: got 59; allowed: ${timeoutSeconds}`,
        ],
        [
            "a WebSocket timeout over a day",
            { websocketTimeoutSeconds: 86401 },
            `  - websocketTimeoutSeconds: got 86401; allowed: ${timeoutSeconds}`,
        ],
        [
            "a cookie name with a space",
            { stickySessions: { cookieName: "relay route", maxAgeSeconds: 3600 } },
            `  - stickySessions.cookieName: got "relay route"; allowed: ${cookieName}`,
        ],
        [
            "a cookie name with a '='",
            { stickySessions: { cookieName: "route=1", maxAgeSeconds: 3600 } },
            `  - stickySessions.cookieName: got "route=1"; allowed: ${cookieName}`,
        ],
        [
            "a cookie living under a minute",
            { stickySessions: { cookieName: "route", maxAgeSeconds: 30 } },
            `  - stickySessions.maxAgeSeconds: got 30; allowed: ${maxAge}`,
        ],
        [
            "a cookie living over a year",
            { stickySessions: { cookieName: "route", maxAgeSeconds: 31536001 } },
            `  - stickySessions.maxAgeSeconds: got 31536001; allowed: ${maxAge}`,
        ],
    ];
    for (const [what, overrides, line] of cases) {
        it(`rejects ${what}, registering nothing`, async () => {
            await assert.rejects(run(validArgs(overrides)), (error: unknown) => {
                assert.ok(error instanceof Error);
                assert.equal(error.message, [header(1), line].join("\n"));
                assert.equal(registeredBeforeFailure(error), 0);
                return true;
            });
        });
    }

    it("lists every problem at once and names the stack file to edit", async () => {
        const bad = validArgs({
            configSource: "Pulumi.testnet.yaml (messaging-infra:services.relay.ingress)",
            host: "relay",
            className: "Nginx",
            routes: [
                { path: "/", pathType: "Prefix", port: "http" },
                { path: "/", pathType: "Prefix", port: "ws_port" },
            ],
            maxBodyBytes: 0,
            websocketTimeoutSeconds: 10,
            stickySessions: { cookieName: "", maxAgeSeconds: 0 },
        });
        await assert.rejects(run(bad), (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.equal(
                error.message,
                [
                    header(8, "Edit Pulumi.testnet.yaml (messaging-infra:services.relay.ingress)"),
                    `  - host: got "relay"; allowed: ${fqdn}`,
                    `  - className: got "Nginx"; allowed: ${label}`,
                    '  - routes[1].path: got "/"; allowed: a path not already routed by routes[0] (/, Prefix)',
                    `  - routes[1].port: got "ws_port"; allowed: ${portName}`,
                    `  - maxBodyBytes: got 0; allowed: ${bodyBytes}`,
                    `  - websocketTimeoutSeconds: got 10; allowed: ${timeoutSeconds}`,
                    `  - stickySessions.cookieName: got ""; allowed: ${cookieName}`,
                    `  - stickySessions.maxAgeSeconds: got 0; allowed: ${maxAge}`,
                ].join("\n"),
            );
            assert.equal(registeredBeforeFailure(error), 0);
            return true;
        });
    });
});
