/**
 * PublicEndpoint: the public entry point of one platform service, a TLS `networking.k8s.io/v1`
 * Ingress for ingress-nginx with a certificate from cert-manager. It replaces LoadBalancer
 * Services: one host, one certificate, HTTP redirected to HTTPS, the request body bounded, and
 * the backend reached only through the named ports of its ClusterIP Service.
 *
 * cert-manager's ingress-shim sees `cert-manager.io/cluster-issuer` and keeps a Certificate for
 * the hosts of `spec.tls`, stored in the Secret that `tls[].secretName` names (cert-manager.io
 * docs, "Securing Ingress Resources"). The Ingress has exactly one rule, for its host, and never a
 * `defaultBackend`: a request for another host or path is the controller's 404, never this service.
 *
 * Annotations are built from typed arguments only. There is deliberately no field for free-form
 * annotations, so no `*-snippet` (configuration-snippet, server-snippet, auth-snippet, ...) can be
 * added through this block: snippets inject raw NGINX configuration, which ingress-nginx itself
 * documents as dangerous in multi-tenant clusters (CVE-2021-25742) and rates critical.
 *
 * The class only checks and registers; the annotation map, the spec and the checks are the pure
 * functions below, each with its own table tests.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { Network, otherNetworkNamed, serviceLabels } from "../network";
import { DNS_LABEL_ALLOWED, FQDN_ALLOWED, intRangeAllowed, isDnsLabel, isFqdn, isIntInRange } from "../validators";
import { isPortName, PORT_NAME_ALLOWED } from "./workloadChecks";

/** The component type a PublicEndpoint registers as. */
export const PUBLIC_ENDPOINT_TYPE = "messaging:k8s:PublicEndpoint";

/** The largest `maxBodyBytes`: 1 GiB. Larger uploads belong in the object store, not one request. */
export const MAX_BODY_BYTES_LIMIT = 1024 ** 3;
/** Bounds of `websocketTimeoutSeconds`: ingress-nginx's own default (60 s) up to one day. */
export const WEBSOCKET_TIMEOUT_RANGE = { min: 60, max: 86400 } as const;
/** Bounds of `stickySessions.maxAgeSeconds`: one minute up to one year. */
export const COOKIE_MAX_AGE_RANGE = { min: 60, max: 31536000 } as const;

/** One path of the Ingress, to one named port of the backend Service. */
export interface IngressRoute {
    /**
     * An exact or prefix path: `/` then letters, digits, `/`, `_` and `-` only. A literal path
     * with a `.` (Socket.IO's `/socket.io`) must be `ImplementationSpecific`, which ingress-nginx
     * matches as a plain prefix (no regex: `use-regex` is never set) and validates against its
     * wider literal set, which also admits `.` and `~`.
     */
    readonly path: string;
    readonly pathType: "Prefix" | "Exact" | "ImplementationSpecific";
    /** The backend Service port's NAME (an IANA service name, e.g. `http`, `ws`). */
    readonly port: string;
}

/** Cookie affinity: a client returns to the pod that served it first. */
export interface StickySessions {
    /** The affinity cookie's name: letters, digits, `-` and `_`. */
    readonly cookieName: string;
    /** The cookie's Max-Age in seconds (60 to 31536000). */
    readonly maxAgeSeconds: number;
}

/** Arguments of {@link PublicEndpoint}. */
export interface PublicEndpointArgs {
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** The backend service's app.kubernetes.io/name (labels; the Ingress is named after it). */
    readonly service: string;
    /** The backend ClusterIP Service's name (an Output of the Workload). */
    readonly serviceName: pulumi.Input<string>;
    /** The public FQDN, e.g. api.messaging.example.org. It must not name another network. */
    readonly host: string;
    /** ingress class (spec.ingressClassName) and cert-manager ClusterIssuer, from stack config. */
    readonly className: string;
    readonly clusterIssuer: string;
    /** At least one; the rule lists them in this order. */
    readonly routes: readonly IngressRoute[];
    /** WebSocket upstreams: long proxy read/send timeouts (seconds, 60..86400). Default: none (ingress-nginx defaults). */
    readonly websocketTimeoutSeconds?: number;
    /** Cookie affinity for clients that must return to the same pod (WebSocket sessions, per-replica stores). Default: none. */
    readonly stickySessions?: StickySessions;
    /** The largest request body the service accepts, in bytes; becomes proxy-body-size. Required. */
    readonly maxBodyBytes: number;
    /** Where the arguments come from, named in errors (like WorkloadArgs.configSource). Default: none. */
    readonly configSource?: string;
}

const NGINX = "nginx.ingress.kubernetes.io";
/** The annotation cert-manager's ingress-shim reads to issue the Ingress's certificate. */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** The Secret cert-manager stores the host's certificate in: `<service>-tls`. */
export function tlsSecretName(service: string): string {
    return `${service}-tls`;
}

/**
 * The Ingress's annotations. Every name and value was checked against the ingress-nginx docs
 * (docs/user-guide/nginx-configuration/annotations.md, docs/examples/affinity/cookie/README.md and
 * the annotation validators in internal/ingress/annotations) and cert-manager's "Securing Ingress
 * Resources"; all values are strings, as annotations must be.
 *
 * - `cert-manager.io/cluster-issuer`: the ClusterIssuer that signs the certificate.
 * - `ssl-redirect` and `force-ssl-redirect` "true": HTTP gets a 308 to HTTPS. ssl-redirect is the
 *   controller's default only while the certificate exists and a global ConfigMap may turn it off;
 *   force-ssl-redirect redirects even before cert-manager has issued the certificate.
 * - `proxy-body-size`: NGINX's client_max_body_size (413 above it). Written in plain bytes
 *   ("1048576"), which the annotation's validator accepts (`^\d+[bkmg]?$`): exactly the limit the
 *   caller named, where "1m" would have to round a size that is not a whole number of MiB.
 * - With `websocketTimeoutSeconds`: `proxy-read-timeout` and `proxy-send-timeout` (unitless
 *   seconds; the default 60 s closes an idle WebSocket) and `proxy-http-version` "1.1". The docs
 *   say WebSockets need nothing else: the controller passes Upgrade/Connection itself. 1.1 is also
 *   the default; it is pinned so a global setting of 1.0, which cannot upgrade, never applies here.
 * - With `stickySessions`: `affinity` "cookie" (the only type), `affinity-mode` "persistent"
 *   (scaling up never moves a live session), `session-cookie-name`, `session-cookie-max-age`,
 *   `session-cookie-secure` "true" and `session-cookie-samesite` "Strict": the cookie only routes,
 *   so a cross-site request that lacks it just gets a freshly chosen pod. (A browser app served
 *   from another site would then never be sticky; if one appears, make SameSite an argument.)
 */
export function ingressAnnotations(
    args: Pick<PublicEndpointArgs, "clusterIssuer" | "maxBodyBytes" | "websocketTimeoutSeconds" | "stickySessions">,
): Record<string, string> {
    const annotations: Record<string, string> = {
        [CLUSTER_ISSUER_ANNOTATION]: args.clusterIssuer,
        [`${NGINX}/ssl-redirect`]: "true",
        [`${NGINX}/force-ssl-redirect`]: "true",
        [`${NGINX}/proxy-body-size`]: String(args.maxBodyBytes),
    };
    if (args.websocketTimeoutSeconds !== undefined) {
        annotations[`${NGINX}/proxy-read-timeout`] = String(args.websocketTimeoutSeconds);
        annotations[`${NGINX}/proxy-send-timeout`] = String(args.websocketTimeoutSeconds);
        annotations[`${NGINX}/proxy-http-version`] = "1.1";
    }
    const sticky = args.stickySessions;
    if (sticky !== undefined) {
        annotations[`${NGINX}/affinity`] = "cookie";
        annotations[`${NGINX}/affinity-mode`] = "persistent";
        annotations[`${NGINX}/session-cookie-name`] = sticky.cookieName;
        annotations[`${NGINX}/session-cookie-max-age`] = String(sticky.maxAgeSeconds);
        annotations[`${NGINX}/session-cookie-secure`] = "true";
        annotations[`${NGINX}/session-cookie-samesite`] = "Strict";
    }
    return annotations;
}

/**
 * The Ingress's spec: the ingress class, TLS for the host in `<service>-tls`, and one rule for the
 * host with the routes in order, each to a named port of the backend Service. No `defaultBackend`.
 */
export function ingressSpec(
    args: Pick<PublicEndpointArgs, "service" | "serviceName" | "host" | "className" | "routes">,
): k8s.types.input.networking.v1.IngressSpec {
    return {
        ingressClassName: args.className,
        tls: [{ hosts: [args.host], secretName: tlsSecretName(args.service) }],
        rules: [
            {
                host: args.host,
                http: {
                    paths: args.routes.map((route) => ({
                        path: route.path,
                        pathType: route.pathType,
                        backend: { service: { name: args.serviceName, port: { name: route.port } } },
                    })),
                },
            },
        ],
    };
}

// ingress-nginx's strict path validation (`strict-validate-path-type`, on by default in current
// releases) admits Prefix and Exact paths of alphanumerics, '/', '_' and '-' only (docs/faq.md,
// "Validation of path"); anything else would be refused by its admission webhook at deploy time.
const ROUTE_PATH = /^\/[A-Za-z0-9_/-]*$/;
const ROUTE_PATH_ALLOWED =
    "an HTTP path starting with /, of letters, digits, '/', '_' and '-' only (no spaces, wildcards or regex characters)";
// ImplementationSpecific paths are checked against the controller's literal set `A-Za-z0-9-._~/`
// (its `path-additional-allowed-chars` adds regex characters; this block never uses them).
const LITERAL_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const LITERAL_PATH_ALLOWED =
    "a literal HTTP path starting with /, of letters, digits, '/', '_', '-', '.' and '~' only (no regex characters)";
const COOKIE_NAME = /^[A-Za-z0-9_-]+$/;

/** Paths Kubernetes matches alike: a Prefix path ignores a trailing '/'. */
function routeKey(route: IngressRoute): string {
    const path = route.pathType === "Prefix" ? route.path.replace(/\/+$/, "") || "/" : route.path;
    return `${route.pathType} ${path}`;
}

/** Routes: at least one, valid paths, path types and port names, no (path, pathType) twice. */
function routeProblems(problems: ProblemList, routes: readonly IngressRoute[]): void {
    if (routes.length === 0) problems.add("routes", [], "at least one route (path, pathType, port)");
    const seen = new Map<string, number>();
    routes.forEach((route, i) => {
        const literal = route.pathType === "ImplementationSpecific";
        if (!(literal ? LITERAL_PATH : ROUTE_PATH).test(route.path)) {
            problems.add(`routes[${i}].path`, route.path, literal ? LITERAL_PATH_ALLOWED : ROUTE_PATH_ALLOWED);
        }
        if (!["Prefix", "Exact", "ImplementationSpecific"].includes(route.pathType)) {
            problems.add(
                `routes[${i}].pathType`,
                route.pathType,
                "Prefix, Exact or ImplementationSpecific (a literal prefix)",
            );
        }
        const key = routeKey(route);
        const same = seen.get(key);
        if (same !== undefined) {
            const allowed = `a path not already routed by routes[${same}] (${routes[same].path}, ${route.pathType})`;
            problems.add(`routes[${i}].path`, route.path, allowed);
        } else seen.set(key, i);
        if (!isPortName(route.port)) problems.add(`routes[${i}].port`, route.port, PORT_NAME_ALLOWED);
    });
}

/**
 * Every problem with a PublicEndpoint's arguments: the service, host, class and issuer names, the
 * routes, the body limit, the WebSocket timeout and the affinity cookie.
 */
export function publicEndpointProblems(args: PublicEndpointArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    if (!isDnsLabel(args.service)) problems.add("service", args.service, DNS_LABEL_ALLOWED);
    if (!isFqdn(args.host)) problems.add("host", args.host, FQDN_ALLOWED);
    else {
        const other = otherNetworkNamed(args.host, args.network);
        if (other !== undefined) {
            problems.add("host", args.host, `a host of ${args.network}, not one naming ${other}`);
        }
    }
    if (!isDnsLabel(args.className)) problems.add("className", args.className, DNS_LABEL_ALLOWED);
    if (!isDnsLabel(args.clusterIssuer)) problems.add("clusterIssuer", args.clusterIssuer, DNS_LABEL_ALLOWED);
    routeProblems(problems, args.routes);
    if (!isIntInRange(args.maxBodyBytes, 1, MAX_BODY_BYTES_LIMIT)) {
        const allowed = intRangeAllowed(1, MAX_BODY_BYTES_LIMIT, "bytes, at most 1 GiB");
        problems.add("maxBodyBytes", args.maxBodyBytes, allowed);
    }
    const timeout = args.websocketTimeoutSeconds;
    const ws = WEBSOCKET_TIMEOUT_RANGE;
    if (timeout !== undefined && !isIntInRange(timeout, ws.min, ws.max)) {
        problems.add("websocketTimeoutSeconds", timeout, intRangeAllowed(ws.min, ws.max, "seconds"));
    }
    const sticky = args.stickySessions;
    if (sticky !== undefined) {
        if (!COOKIE_NAME.test(sticky.cookieName)) {
            problems.add("stickySessions.cookieName", sticky.cookieName, "a cookie name: letters, digits, '-' and '_'");
        }
        const age = COOKIE_MAX_AGE_RANGE;
        if (!isIntInRange(sticky.maxAgeSeconds, age.min, age.max)) {
            const allowed = intRangeAllowed(age.min, age.max, "seconds");
            problems.add("stickySessions.maxAgeSeconds", sticky.maxAgeSeconds, allowed);
        }
    }
    return problems.problems;
}

/**
 * Throws {@link ArgumentsError} with every problem of a PublicEndpoint's arguments, naming the stack
 * file to edit when `configSource` says where they came from.
 */
export function checkPublicEndpointArgs(name: string, args: PublicEndpointArgs): void {
    const problems = publicEndpointProblems(args);
    if (problems.length === 0) return;
    const fix = args.configSource === undefined ? FIX_THE_CALLER : `Edit ${args.configSource}`;
    throw new ArgumentsError(componentArguments(PUBLIC_ENDPOINT_TYPE, name), problems, fix);
}

/** One service's public TLS Ingress (ingress-nginx, cert-manager). */
export class PublicEndpoint extends pulumi.ComponentResource {
    /** The Ingress's name, known once it exists. */
    public readonly ingressName: pulumi.Output<string>;
    /** The public host name. */
    public readonly host: string;
    /** The Secret cert-manager keeps the host's certificate in. */
    public readonly tlsSecretName: string;
    /** Every label the Ingress carries. */
    public readonly labels: Readonly<Record<string, string>>;

    constructor(name: string, args: PublicEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        checkPublicEndpointArgs(name, args);
        super(PUBLIC_ENDPOINT_TYPE, name, {}, opts);
        this.host = args.host;
        this.tlsSecretName = tlsSecretName(args.service);
        this.labels = serviceLabels(args.service, args.network, "ingress");
        const ingress = new k8s.networking.v1.Ingress(
            `${name}-ingress`,
            {
                metadata: {
                    name: args.service,
                    namespace: args.namespace,
                    labels: this.labels,
                    annotations: ingressAnnotations(args),
                },
                spec: ingressSpec(args),
            },
            { parent: this },
        );
        this.ingressName = ingress.metadata.name;
        this.registerOutputs({ ingressName: this.ingressName, host: this.host, tlsSecretName: this.tlsSecretName });
    }
}
