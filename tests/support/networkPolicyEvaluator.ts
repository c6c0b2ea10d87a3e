/**
 * A test-side evaluator of Kubernetes `networking.k8s.io/v1` NetworkPolicy semantics.
 *
 * Given the namespaces, pods (labels + container ports), addresses outside the cluster and every
 * NetworkPolicy a program registers, it answers "may A open a connection to B on port/protocol?"
 * and enumerates every allowed flow as readable strings, so a test can compare the result with
 * the traffic matrix of DESIGN.md and print a clear diff.
 *
 * Everything here is a pure function of its inputs (no I/O, no cluster access).
 *
 * Semantics (following the Kubernetes API reference and `pkg/apis/networking` defaulting and
 * validation; the choices where the API leaves room are marked CHOICE):
 *
 * - Isolation. A pod is isolated for ingress iff at least one policy in its own namespace selects
 *   it (via `spec.podSelector`) and has `Ingress` among its effective policy types; likewise for
 *   egress. A direction that is not isolated allows everything. For an isolated direction the
 *   allowed traffic is the union of the rules of every selecting policy of that type.
 * - Effective policy types. `spec.policyTypes` when non-empty; otherwise (omitted, null or `[]`,
 *   exactly as the API server defaults it) `Ingress`, plus `Egress` when `spec.egress` is a
 *   NON-EMPTY list. So a policy with `egress: []` and no `policyTypes` does not isolate egress.
 *   Rules of a type that is not in the effective types are ignored (but still validated).
 * - A policy whose effective types contain a direction but which has no rules for it
 *   (`ingress` omitted or `[]`) denies that whole direction for the pods it selects.
 * - A connection from A to B on (port, protocol) is allowed iff A's egress allows it AND B's
 *   ingress allows it. External addresses have no policies: external -> pod checks only the
 *   pod's ingress, pod -> external checks only the pod's egress.
 * - Rules. `from`/`to` omitted or `[]` matches every source/destination (pods and external
 *   addresses). `ports` omitted or `[]` matches every port of every protocol. Several peers or
 *   ports in one rule are ORed; peers and ports of one rule are ANDed; rules are ORed.
 * - Peers. `podSelector` alone: pods in the policy's own namespace. `namespaceSelector` alone:
 *   every pod in the matching namespaces. Both: the AND (matching pods in matching namespaces).
 *   `ipBlock`: addresses in `cidr` and in none of the `except` ranges (IPv4 and IPv6; an
 *   address never matches a block of the other family; IPv4-mapped IPv6 addresses count as IPv4).
 *   A peer with neither field, or with `ipBlock` next to a selector, is rejected as the API does.
 * - CHOICE: `ipBlock` peers match external peers, and pods only when the test gives the pod an
 *   `ip`. Real clusters apply ipBlock to pod IPs too, but pod IPs are ephemeral and the upstream
 *   documentation leaves cluster-internal traffic selected by ipBlock implementation-defined.
 *   Leave `Pod.ip` unset to ask "what do the selectors allow"; set it to model a CNI that also
 *   applies e.g. a `0.0.0.0/0` egress rule to in-cluster destinations.
 * - Label selectors. `matchLabels` AND `matchExpressions` (`In`, `NotIn`, `Exists`,
 *   `DoesNotExist`); `NotIn` also matches objects without the key; `{}` (and an omitted
 *   `spec.podSelector`, which decodes to `{}` in the API) selects everything.
 * - Every namespace carries the immutable label `kubernetes.io/metadata.name: <name>` that the
 *   API server adds, whatever labels the test gives it.
 * - Ports. `protocol` defaults to TCP (container ports too). A numeric `port` matches that port,
 *   or `[port, endPort]` inclusive when `endPort` is set. A `port` without number matches every
 *   port of its protocol. A named port (string) matches the container ports of the DESTINATION
 *   pod with that name and protocol, for ingress and for egress rules alike; it never matches
 *   an external destination.
 * - CHOICE: endpoints passed to `isAllowed`/`explain` are resolved by `namespace/name` against
 *   the cluster's pods (an unknown pod is an error); external peers need not be listed.
 * - CHOICE: `allowedFlows` leaves out a pod's connections to itself unless asked
 *   (`includeSelf`); the API cannot block a pod's loopback traffic anyway.
 * - CHOICE: a bare number in a list of external ports means that port on TCP and on UDP (so an
 *   over-broad rule that also opens UDP shows up); use `{ port, protocol }` for one protocol.
 * - Malformed input (what the API server would reject: bad CIDRs, `except` not strictly inside
 *   `cidr`, unknown operators/protocols, `In` without values, named port with `endPort`, port out
 *   of range, a pod in an undeclared namespace, a policy without `metadata.namespace`, ...) throws
 *   an Error listing every problem, instead of being silently evaluated.
 */
import * as ipaddr from "ipaddr.js";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** A protocol a NetworkPolicy port or a container port may name. */
export type Protocol = "TCP" | "UDP" | "SCTP";

/** The protocols Kubernetes accepts, in a fixed order. */
export const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

/** A value of `spec.policyTypes`. */
export type PolicyType = "Ingress" | "Egress";

/** The policy types, in a fixed order. */
export const POLICY_TYPES: readonly PolicyType[] = ["Ingress", "Egress"];

/** Labels of a pod or namespace. */
export type Labels = Readonly<Record<string, string>>;

/** A field of a Kubernetes object as it arrives in JSON: absent, `null` or present. */
export type Nullable<T> = T | null | undefined;

/** A namespace of the cluster; `kubernetes.io/metadata.name` is added automatically. */
export interface Namespace {
    name: string;
    labels?: Labels;
}

/** One container port of a pod (the union over all of its containers). */
export interface ContainerPort {
    name?: string;
    containerPort: number;
    /** Defaults to TCP, as in the Pod API. */
    protocol?: Protocol;
}

/** A pod: where it runs, its labels and the ports it listens on. */
export interface Pod {
    namespace: string;
    name: string;
    labels?: Labels;
    ports: readonly ContainerPort[];
    /** Optional pod IP; only then do `ipBlock` peers apply to this pod (see module doc). */
    ip?: string;
}

/** A port to probe on an external destination; a bare number means that port on TCP and UDP. */
export type PortSpec = number | { port: number; protocol: Protocol };

/** An address outside the cluster, e.g. `{ name: "aws-apis", ip: "203.0.113.10" }`. */
export interface ExternalPeer {
    name: string;
    ip: string;
    /** Ports `allowedFlows` probes on this peer; defaults to the `externalPorts` option. */
    ports?: readonly PortSpec[];
}

/** Either end of a connection. */
export type Endpoint = Pod | ExternalPeer;

/** `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: Nullable<readonly string[]>;
}

/** `metav1.LabelSelector`. */
export interface LabelSelector {
    matchLabels?: Nullable<Labels>;
    matchExpressions?: Nullable<readonly LabelSelectorRequirement[]>;
}

/** `networking.k8s.io/v1` IPBlock. */
export interface IPBlock {
    cidr: string;
    except?: Nullable<readonly string[]>;
}

/** `networking.k8s.io/v1` NetworkPolicyPeer. */
export interface NetworkPolicyPeer {
    podSelector?: Nullable<LabelSelector>;
    namespaceSelector?: Nullable<LabelSelector>;
    ipBlock?: Nullable<IPBlock>;
}

/** `networking.k8s.io/v1` NetworkPolicyPort. */
export interface NetworkPolicyPort {
    protocol?: Nullable<Protocol>;
    port?: Nullable<number | string>;
    endPort?: Nullable<number>;
}

/** `networking.k8s.io/v1` NetworkPolicyIngressRule. */
export interface NetworkPolicyIngressRule {
    from?: Nullable<readonly NetworkPolicyPeer[]>;
    ports?: Nullable<readonly NetworkPolicyPort[]>;
}

/** `networking.k8s.io/v1` NetworkPolicyEgressRule. */
export interface NetworkPolicyEgressRule {
    to?: Nullable<readonly NetworkPolicyPeer[]>;
    ports?: Nullable<readonly NetworkPolicyPort[]>;
}

/** `networking.k8s.io/v1` NetworkPolicySpec. */
export interface NetworkPolicySpec {
    podSelector?: Nullable<LabelSelector>;
    policyTypes?: Nullable<readonly PolicyType[]>;
    ingress?: Nullable<readonly NetworkPolicyIngressRule[]>;
    egress?: Nullable<readonly NetworkPolicyEgressRule[]>;
}

/** A `networking.k8s.io/v1` NetworkPolicy object as plain JSON. */
export interface NetworkPolicy {
    apiVersion?: string;
    kind?: string;
    metadata?: Nullable<{ name?: Nullable<string>; namespace?: Nullable<string>; labels?: Nullable<Labels> }>;
    spec?: Nullable<NetworkPolicySpec>;
}

/** Everything the evaluator looks at. */
export interface Cluster {
    namespaces: readonly Namespace[];
    pods: readonly Pod[];
    policies: readonly NetworkPolicy[];
    externalPeers?: readonly ExternalPeer[];
}

/** One connection: `from` opens a connection to `to` on `port`/`protocol`. */
export interface Flow {
    from: Endpoint;
    to: Endpoint;
    port: number;
    protocol: Protocol;
}

/** How `allowedFlows` enumerates candidate connections. */
export interface FlowOptions {
    /** Ports probed on external peers without their own `ports`; default `DEFAULT_EXTERNAL_PORTS`. */
    externalPorts?: readonly PortSpec[];
    /** Also consider a pod connecting to itself (default false). */
    includeSelf?: boolean;
    /** Also consider external peers as sources, towards pods' container ports (default false). */
    includeExternalSources?: boolean;
}

/** One direction's verdict in `explain`. */
export interface DirectionVerdict {
    /** Whether a policy isolates this direction for the pod (false for external ends). */
    isolated: boolean;
    /** Whether this direction lets the connection through. */
    allowed: boolean;
    /** The rules that allow it, e.g. `ns/policy ingress[0]` (empty when not isolated). */
    allowedBy: string[];
}

/** Why a connection is or is not allowed. */
export interface Explanation {
    allowed: boolean;
    /** The source pod's egress (not isolated for an external source). */
    egress: DirectionVerdict;
    /** The destination pod's ingress (not isolated for an external destination). */
    ingress: DirectionVerdict;
}

/** A cluster compiled once, for many queries. */
export interface Evaluator {
    /** Whether `from` may open a connection to `to` on `port`/`protocol` (default TCP). */
    isAllowed(from: Endpoint, to: Endpoint, port: number, protocol?: Protocol): boolean;
    /** `isAllowed` with the policy rules that decided it. */
    explain(from: Endpoint, to: Endpoint, port: number, protocol?: Protocol): Explanation;
    /** Whether policies isolate `pod` for ingress / egress. */
    isolation(pod: Pod): { ingress: boolean; egress: boolean };
    /** Every candidate connection (see `allowedFlows`), allowed or not, sorted. */
    candidateFlowRecords(options?: FlowOptions): Flow[];
    /** The allowed candidate connections, sorted. */
    allowedFlowRecords(options?: FlowOptions): Flow[];
    /** The allowed candidate connections as sorted strings (see `formatFlow`). */
    allowedFlows(options?: FlowOptions): string[];
}

/** External ports probed by default: DNS, HTTPS, hub, Postgres, Redis, Kafka, L2 RPC, HTTP. */
export const DEFAULT_EXTERNAL_PORTS: readonly number[] = [53, 443, 2283, 5432, 6379, 9092, 8545, 8546, 80];

/** The label the API server puts on every namespace. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Addr, number];
type LabelMatcher = (labels: Labels) => boolean;

function isAbsent<T>(value: Nullable<T>): value is null | undefined {
    return value === undefined || value === null;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function labelValue(labels: Labels, key: string): string | undefined {
    return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function isProtocol(value: unknown): value is Protocol {
    return typeof value === "string" && (PROTOCOLS as readonly string[]).includes(value);
}

function isPortNumber(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** `IsValidPortName` of k8s: an IANA service name, 1-15 chars, [a-z0-9-], a letter, no "--". */
function isValidPortName(name: string): boolean {
    return (
        name.length >= 1 &&
        name.length <= 15 &&
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
        /[a-z]/.test(name) &&
        !name.includes("--")
    );
}

/** Whether `endpoint` is a pod (as opposed to an external peer). */
export function isPod(endpoint: Endpoint): endpoint is Pod {
    return "namespace" in endpoint;
}

/** Parses a single IPv4 (dotted quad) or IPv6 address; IPv4-mapped IPv6 becomes IPv4. */
function parseAddress(ip: unknown): Addr | undefined {
    if (typeof ip !== "string") return undefined;
    if (ip.includes(":")) {
        if (ip.includes("%") || ip.includes("/") || !ipaddr.IPv6.isValid(ip)) return undefined;
        const v6 = ipaddr.IPv6.parse(ip);
        return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
    }
    return ipaddr.IPv4.isValidFourPartDecimal(ip) ? ipaddr.IPv4.parse(ip) : undefined;
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; undefined when malformed. */
function parseCidr(cidr: unknown): Cidr | undefined {
    if (typeof cidr !== "string") return undefined;
    if (cidr.includes(":")) {
        if (cidr.includes("%") || !ipaddr.IPv6.isValidCIDR(cidr)) return undefined;
        return ipaddr.IPv6.parseCIDR(cidr);
    }
    return ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr) ? ipaddr.IPv4.parseCIDR(cidr) : undefined;
}

function inCidr(addr: Addr, [network, bits]: Cidr): boolean {
    return addr.kind() === network.kind() && addr.match(network, bits);
}

// ---------------------------------------------------------------------------------------------
// Compilation (validation happens on the way; problems are collected, not thrown one by one)
// ---------------------------------------------------------------------------------------------

/** Compiles a label selector; `{}` matches everything. Problems go to `errors`. */
function compileSelector(selector: unknown, path: string, errors: string[]): LabelMatcher {
    if (!isObject(selector)) {
        errors.push(`${path}: must be a label selector object`);
        return () => false;
    }
    const tests: LabelMatcher[] = [];
    const matchLabels = selector["matchLabels"];
    if (!isAbsent(matchLabels)) {
        if (!isObject(matchLabels)) {
            errors.push(`${path}.matchLabels: must be a map of strings`);
        } else {
            for (const [key, value] of Object.entries(matchLabels)) {
                if (key === "") errors.push(`${path}.matchLabels: empty key`);
                if (typeof value !== "string") {
                    errors.push(`${path}.matchLabels.${key}: value must be a string`);
                    continue;
                }
                tests.push((labels) => labelValue(labels, key) === value);
            }
        }
    }
    const matchExpressions = selector["matchExpressions"];
    if (!isAbsent(matchExpressions)) {
        if (!Array.isArray(matchExpressions)) {
            errors.push(`${path}.matchExpressions: must be a list`);
        } else {
            matchExpressions.forEach((expression: unknown, i) => {
                const at = `${path}.matchExpressions[${i}]`;
                if (!isObject(expression)) {
                    errors.push(`${at}: must be an object`);
                    return;
                }
                const { key, operator, values } = expression;
                if (typeof key !== "string" || key === "") {
                    errors.push(`${at}.key: must be a non-empty string`);
                    return;
                }
                const list = isAbsent(values) ? [] : values;
                if (!Array.isArray(list) || !list.every((v): v is string => typeof v === "string")) {
                    errors.push(`${at}.values: must be a list of strings`);
                    return;
                }
                const set = new Set<string>(list);
                switch (operator) {
                    case "In":
                    case "NotIn": {
                        if (set.size === 0) {
                            errors.push(`${at}.values: must be non-empty for operator ${operator}`);
                            return;
                        }
                        const wanted = operator === "In";
                        tests.push((labels) => {
                            const value = labelValue(labels, key);
                            return (value !== undefined && set.has(value)) === wanted;
                        });
                        return;
                    }
                    case "Exists":
                    case "DoesNotExist": {
                        if (set.size > 0) {
                            errors.push(`${at}.values: must be empty for operator ${operator}`);
                            return;
                        }
                        const wanted = operator === "Exists";
                        tests.push((labels) => Object.hasOwn(labels, key) === wanted);
                        return;
                    }
                    default:
                        errors.push(`${at}.operator: unknown operator ${JSON.stringify(operator)}`);
                }
            });
        }
    }
    return (labels) => tests.every((test) => test(labels));
}

/** Compiles an ipBlock into an address predicate. Problems go to `errors`. */
function compileIpBlock(block: unknown, path: string, errors: string[]): (addr: Addr) => boolean {
    if (!isObject(block)) {
        errors.push(`${path}: must be an object`);
        return () => false;
    }
    const cidr = parseCidr(block["cidr"]);
    if (cidr === undefined) {
        errors.push(`${path}.cidr: invalid CIDR ${JSON.stringify(block["cidr"])}`);
        return () => false;
    }
    const exceptRaw = block["except"];
    const excepts: Cidr[] = [];
    if (!isAbsent(exceptRaw)) {
        if (!Array.isArray(exceptRaw)) {
            errors.push(`${path}.except: must be a list of CIDRs`);
        } else {
            exceptRaw.forEach((raw: unknown, i) => {
                const except = parseCidr(raw);
                if (except === undefined) {
                    errors.push(`${path}.except[${i}]: invalid CIDR ${JSON.stringify(raw)}`);
                } else if (!(except[1] > cidr[1] && inCidr(except[0], cidr))) {
                    errors.push(
                        `${path}.except[${i}]: ${String(raw)} must be a strict subset of ${String(block["cidr"])}`,
                    );
                } else {
                    excepts.push(except);
                }
            });
        }
    }
    return (addr) => inCidr(addr, cidr) && !excepts.some((except) => inCidr(addr, except));
}

/** Where a connection ends, as the compiled evaluator sees it. */
interface EndpointInfo {
    /** Position in the endpoint table (peer-match cache slot); -1 for ad-hoc external peers. */
    readonly index: number;
    readonly display: string;
    readonly endpoint: Endpoint;
    readonly pod?: CompiledPod;
    readonly addr?: Addr;
    /** (port, protocol) pairs `allowedFlows` probes when this endpoint is the destination. */
    readonly probePorts: readonly PortProbe[];
}

interface PortProbe {
    port: number;
    protocol: Protocol;
}

interface CompiledPod {
    readonly namespace: string;
    readonly labels: Labels;
    readonly namespaceLabels: Labels;
    /** name -> container ports carrying it. */
    readonly namedPorts: ReadonlyMap<string, readonly PortProbe[]>;
    readonly ingressRules: CompiledRule[];
    readonly egressRules: CompiledRule[];
    ingressIsolated: boolean;
    egressIsolated: boolean;
}

/** A peer of a rule, with a per-endpoint cache of its verdict (0 unknown, 1 match, 2 no match). */
class CompiledPeer {
    private readonly cache: Uint8Array;

    constructor(
        private readonly test: (endpoint: EndpointInfo) => boolean,
        endpointCount: number,
    ) {
        this.cache = new Uint8Array(endpointCount);
    }

    matches(endpoint: EndpointInfo): boolean {
        if (endpoint.index < 0) return this.test(endpoint);
        const cached = this.cache[endpoint.index];
        if (cached !== 0) return cached === 1;
        const result = this.test(endpoint);
        this.cache[endpoint.index] = result ? 1 : 2;
        return result;
    }
}

type PortMatcher = (port: number, protocol: Protocol, destination: EndpointInfo) => boolean;

interface CompiledRule {
    /** e.g. `ns/policy ingress[0]`. */
    readonly origin: string;
    /** null: every peer. */
    readonly peers: readonly CompiledPeer[] | null;
    /** null: every port of every protocol. */
    readonly ports: readonly PortMatcher[] | null;
}

interface CompiledPolicy {
    readonly id: string;
    readonly namespace: string;
    readonly selects: LabelMatcher;
    readonly ingress: boolean;
    readonly egress: boolean;
    readonly ingressRules: readonly CompiledRule[];
    readonly egressRules: readonly CompiledRule[];
}

/**
 * The effective `policyTypes` of a policy after API defaulting: the given list when non-empty,
 * else `["Ingress"]` plus `"Egress"` when `spec.egress` is a non-empty list.
 */
export function effectivePolicyTypes(policy: NetworkPolicy): PolicyType[] {
    const spec = policy.spec ?? {};
    const given = spec.policyTypes;
    if (!isAbsent(given) && given.length > 0) {
        return POLICY_TYPES.filter((type) => given.includes(type));
    }
    return !isAbsent(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

function compilePort(raw: unknown, path: string, errors: string[]): PortMatcher {
    if (!isObject(raw)) {
        errors.push(`${path}: must be an object`);
        return () => false;
    }
    const protocolRaw = raw["protocol"];
    const protocol: Protocol = isAbsent(protocolRaw) ? "TCP" : isProtocol(protocolRaw) ? protocolRaw : "TCP";
    if (!isAbsent(protocolRaw) && !isProtocol(protocolRaw)) {
        errors.push(`${path}.protocol: must be one of ${PROTOCOLS.join(", ")}, got ${JSON.stringify(protocolRaw)}`);
    }
    const port = raw["port"];
    const endPort = raw["endPort"];
    if (isAbsent(port)) {
        if (!isAbsent(endPort)) errors.push(`${path}.endPort: may not be set without a numeric port`);
        return (_port, proto) => proto === protocol;
    }
    if (typeof port === "string") {
        if (!isValidPortName(port)) errors.push(`${path}.port: ${JSON.stringify(port)} is not a valid port name`);
        if (!isAbsent(endPort)) errors.push(`${path}.endPort: may not be set with a named port`);
        return (p, proto, destination) =>
            proto === protocol &&
            (destination.pod?.namedPorts.get(port)?.some((cp) => cp.port === p && cp.protocol === protocol) ?? false);
    }
    if (!isPortNumber(port)) {
        errors.push(`${path}.port: must be an integer 1-65535 or a port name, got ${JSON.stringify(port)}`);
        return () => false;
    }
    if (isAbsent(endPort)) return (p, proto) => proto === protocol && p === port;
    if (!isPortNumber(endPort) || endPort < port) {
        errors.push(`${path}.endPort: must be an integer from port (${port}) to 65535, got ${JSON.stringify(endPort)}`);
        return () => false;
    }
    return (p, proto) => proto === protocol && p >= port && p <= endPort;
}

function compilePeer(
    raw: unknown,
    policyNamespace: string,
    path: string,
    errors: string[],
    endpointCount: number,
): CompiledPeer {
    if (!isObject(raw)) {
        errors.push(`${path}: must be an object`);
        return new CompiledPeer(() => false, endpointCount);
    }
    const { podSelector, namespaceSelector, ipBlock } = raw;
    if (!isAbsent(ipBlock)) {
        if (!isAbsent(podSelector) || !isAbsent(namespaceSelector)) {
            errors.push(`${path}: may not specify both ipBlock and another peer`);
        }
        const contains = compileIpBlock(ipBlock, `${path}.ipBlock`, errors);
        return new CompiledPeer((endpoint) => endpoint.addr !== undefined && contains(endpoint.addr), endpointCount);
    }
    if (isAbsent(podSelector) && isAbsent(namespaceSelector)) {
        errors.push(`${path}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
        return new CompiledPeer(() => false, endpointCount);
    }
    const podMatches = isAbsent(podSelector) ? () => true : compileSelector(podSelector, `${path}.podSelector`, errors);
    const namespaceMatches = isAbsent(namespaceSelector)
        ? undefined
        : compileSelector(namespaceSelector, `${path}.namespaceSelector`, errors);
    return new CompiledPeer((endpoint) => {
        const pod = endpoint.pod;
        if (pod === undefined) return false;
        const inNamespace =
            namespaceMatches === undefined ? pod.namespace === policyNamespace : namespaceMatches(pod.namespaceLabels);
        return inNamespace && podMatches(pod.labels);
    }, endpointCount);
}

function compileRules(
    raw: unknown,
    direction: "ingress" | "egress",
    id: string,
    policyNamespace: string,
    errors: string[],
    endpointCount: number,
): CompiledRule[] {
    if (isAbsent(raw)) return [];
    const path = `${id}: spec.${direction}`;
    if (!Array.isArray(raw)) {
        errors.push(`${path}: must be a list`);
        return [];
    }
    const peerField = direction === "ingress" ? "from" : "to";
    return raw.map((rule: unknown, i): CompiledRule => {
        const at = `${path}[${i}]`;
        const origin = `${id} ${direction}[${i}]`;
        if (!isObject(rule)) {
            errors.push(`${at}: must be an object`);
            return { origin, peers: [], ports: [] };
        }
        const peersRaw = rule[peerField];
        const portsRaw = rule["ports"];
        let peers: CompiledPeer[] | null = null;
        if (!isAbsent(peersRaw)) {
            if (!Array.isArray(peersRaw)) {
                errors.push(`${at}.${peerField}: must be a list`);
                peers = [];
            } else if (peersRaw.length > 0) {
                peers = peersRaw.map((peer: unknown, j) =>
                    compilePeer(peer, policyNamespace, `${at}.${peerField}[${j}]`, errors, endpointCount),
                );
            }
        }
        let ports: PortMatcher[] | null = null;
        if (!isAbsent(portsRaw)) {
            if (!Array.isArray(portsRaw)) {
                errors.push(`${at}.ports: must be a list`);
                ports = [];
            } else if (portsRaw.length > 0) {
                ports = portsRaw.map((port: unknown, j) => compilePort(port, `${at}.ports[${j}]`, errors));
            }
        }
        return { origin, peers, ports };
    });
}

function policyId(policy: NetworkPolicy, index: number): string {
    const metadata = policy.metadata ?? {};
    const name = isAbsent(metadata.name) ? `<unnamed policy #${index}>` : metadata.name;
    return `${metadata.namespace ?? "<no namespace>"}/${name}`;
}

function compilePolicy(
    policy: unknown,
    index: number,
    errors: string[],
    endpointCount: number,
): CompiledPolicy | undefined {
    if (!isObject(policy)) {
        errors.push(`policy #${index}: must be an object`);
        return undefined;
    }
    const typed = policy as NetworkPolicy;
    const id = policyId(typed, index);
    if (!isAbsent(typed.kind) && typed.kind !== "NetworkPolicy") {
        errors.push(`${id}: kind must be NetworkPolicy, got ${JSON.stringify(typed.kind)}`);
    }
    if (!isAbsent(typed.apiVersion) && typed.apiVersion !== "networking.k8s.io/v1") {
        errors.push(`${id}: apiVersion must be networking.k8s.io/v1, got ${JSON.stringify(typed.apiVersion)}`);
    }
    const namespace = typed.metadata?.namespace;
    if (typeof namespace !== "string" || namespace === "") {
        errors.push(`${id}: metadata.namespace is required (the evaluator does not guess a default namespace)`);
    }
    const specRaw: unknown = typed.spec ?? {};
    if (!isObject(specRaw)) {
        errors.push(`${id}: spec must be an object`);
        return undefined;
    }
    const spec = specRaw as NetworkPolicySpec;
    const policyNamespace = typeof namespace === "string" ? namespace : "";
    const selects = isAbsent(spec.podSelector)
        ? () => true
        : compileSelector(spec.podSelector, `${id}: spec.podSelector`, errors);
    const typesRaw: unknown = spec.policyTypes;
    if (!isAbsent(typesRaw)) {
        if (!Array.isArray(typesRaw)) {
            errors.push(`${id}: spec.policyTypes must be a list`);
        } else {
            typesRaw.forEach((type: unknown, i) => {
                if (type !== "Ingress" && type !== "Egress") {
                    errors.push(`${id}: spec.policyTypes[${i}] must be Ingress or Egress, got ${JSON.stringify(type)}`);
                }
            });
        }
    }
    const shapeOk =
        (isAbsent(typesRaw) || Array.isArray(typesRaw)) && (isAbsent(spec.egress) || Array.isArray(spec.egress));
    const types = shapeOk ? effectivePolicyTypes(typed) : [];
    return {
        id,
        namespace: policyNamespace,
        selects,
        ingress: types.includes("Ingress"),
        egress: types.includes("Egress"),
        ingressRules: compileRules(spec.ingress, "ingress", id, policyNamespace, errors, endpointCount),
        egressRules: compileRules(spec.egress, "egress", id, policyNamespace, errors, endpointCount),
    };
}

/** Display form of an endpoint: `ns/pod` or `external:name(ip)`. */
export function formatEndpoint(endpoint: Endpoint): string {
    return isPod(endpoint) ? `${endpoint.namespace}/${endpoint.name}` : `external:${endpoint.name}(${endpoint.ip})`;
}

/** Display form of a flow: `ns/a -> ns/b:3300/TCP`, `ns/a -> external:aws-apis(203.0.113.10):443/TCP`. */
export function formatFlow(flow: Flow): string {
    return `${formatEndpoint(flow.from)} -> ${formatEndpoint(flow.to)}:${flow.port}/${flow.protocol}`;
}

function expandPortSpecs(specs: readonly PortSpec[], where: string): PortProbe[] {
    const probes: PortProbe[] = [];
    for (const spec of specs) {
        const port = typeof spec === "number" ? spec : spec.port;
        if (!isPortNumber(port)) throw new Error(`${where}: invalid port ${JSON.stringify(spec)}`);
        if (typeof spec === "number") {
            probes.push({ port, protocol: "TCP" }, { port, protocol: "UDP" });
        } else if (!isProtocol(spec.protocol)) {
            throw new Error(`${where}: invalid protocol ${JSON.stringify(spec.protocol)}`);
        } else {
            probes.push({ port, protocol: spec.protocol });
        }
    }
    return dedupeProbes(probes);
}

function compareProbes(a: PortProbe, b: PortProbe): number {
    return a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol);
}

function dedupeProbes(probes: PortProbe[]): PortProbe[] {
    const sorted = [...probes].sort(compareProbes);
    return sorted.filter((p, i) => i === 0 || compareProbes(p, sorted[i - 1]) !== 0);
}

/** What a direction allows for one peer: everything (not isolated), or what the matching rules allow. */
interface SideVerdict {
    readonly all: boolean;
    readonly rules: readonly CompiledRule[];
}

const NOT_ISOLATED: SideVerdict = { all: true, rules: [] };

function sideVerdict(isolated: boolean, rules: readonly CompiledRule[], peer: EndpointInfo): SideVerdict {
    if (!isolated) return NOT_ISOLATED;
    const matching = rules.filter((rule) => rule.peers === null || rule.peers.some((p) => p.matches(peer)));
    return { all: false, rules: matching };
}

function sideAllows(verdict: SideVerdict, port: number, protocol: Protocol, destination: EndpointInfo): boolean {
    if (verdict.all) return true;
    return verdict.rules.some(
        (rule) => rule.ports === null || rule.ports.some((matches) => matches(port, protocol, destination)),
    );
}

function sideAllowedBy(verdict: SideVerdict, port: number, protocol: Protocol, destination: EndpointInfo): string[] {
    if (verdict.all) return [];
    return verdict.rules
        .filter((rule) => rule.ports === null || rule.ports.some((matches) => matches(port, protocol, destination)))
        .map((rule) => rule.origin);
}

function compareFlows(a: { from: EndpointInfo; to: EndpointInfo; probe: PortProbe }, b: typeof a): number {
    if (a.from.display !== b.from.display) return a.from.display < b.from.display ? -1 : 1;
    if (a.to.display !== b.to.display) return a.to.display < b.to.display ? -1 : 1;
    return compareProbes(a.probe, b.probe);
}

/** The namespaces' labels, each with its automatic `kubernetes.io/metadata.name`. */
function indexNamespaces(cluster: Cluster, errors: string[]): Map<string, Labels> {
    const namespaceLabels = new Map<string, Labels>();
    for (const namespace of cluster.namespaces) {
        if (namespaceLabels.has(namespace.name)) errors.push(`namespace ${namespace.name}: declared twice`);
        namespaceLabels.set(namespace.name, { ...(namespace.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace.name });
    }
    return namespaceLabels;
}

/** The cluster's pods, checked, with their probe ports and named ports and no rules yet. */
function indexPods(cluster: Cluster, namespaceLabels: Map<string, Labels>, errors: string[]): EndpointInfo[] {
    const seen = new Set<string>();
    return cluster.pods.map((pod, index) => {
        const display = formatEndpoint(pod);
        for (const [key, value] of Object.entries(pod.labels ?? {})) {
            if (typeof value !== "string") errors.push(`pod ${display}: label ${key} must have a string value`);
        }
        const nsLabels = namespaceLabels.get(pod.namespace);
        if (nsLabels === undefined) errors.push(`pod ${display}: namespace ${pod.namespace} is not declared`);
        if (seen.has(display)) errors.push(`pod ${display}: declared twice`);
        seen.add(display);
        const namedPorts = new Map<string, PortProbe[]>();
        const probes: PortProbe[] = [];
        pod.ports.forEach((cp, i) => {
            const protocol = cp.protocol ?? "TCP";
            if (!isPortNumber(cp.containerPort)) errors.push(`pod ${display}: ports[${i}].containerPort invalid`);
            if (!isProtocol(protocol)) errors.push(`pod ${display}: ports[${i}].protocol invalid`);
            const probe = { port: cp.containerPort, protocol };
            probes.push(probe);
            if (cp.name !== undefined) {
                if (!isValidPortName(cp.name)) errors.push(`pod ${display}: ports[${i}].name ${cp.name} invalid`);
                namedPorts.set(cp.name, [...(namedPorts.get(cp.name) ?? []), probe]);
            }
        });
        let addr: Addr | undefined;
        if (pod.ip !== undefined) {
            addr = parseAddress(pod.ip);
            if (addr === undefined) errors.push(`pod ${display}: invalid ip ${JSON.stringify(pod.ip)}`);
        }
        return {
            index,
            display,
            endpoint: pod,
            addr,
            probePorts: dedupeProbes(probes),
            pod: {
                namespace: pod.namespace,
                labels: pod.labels ?? {},
                namespaceLabels: nsLabels ?? { [NAMESPACE_NAME_LABEL]: pod.namespace },
                namedPorts,
                ingressRules: [],
                egressRules: [],
                ingressIsolated: false,
                egressIsolated: false,
            },
        };
    });
}

/** The addresses outside the cluster, checked, with the ports probed on each. */
function indexExternalPeers(cluster: Cluster, errors: string[]): EndpointInfo[] {
    const seen = new Set<string>();
    return (cluster.externalPeers ?? []).map((peer, i) => {
        const addr = parseAddress(peer.ip);
        if (addr === undefined) errors.push(`external peer ${peer.name}: invalid ip ${JSON.stringify(peer.ip)}`);
        if (seen.has(peer.name)) errors.push(`external peer ${peer.name}: declared twice`);
        seen.add(peer.name);
        let probePorts: PortProbe[] = [];
        if (peer.ports !== undefined) {
            try {
                probePorts = expandPortSpecs(peer.ports, `external peer ${peer.name}`);
            } catch (error) {
                errors.push((error as Error).message);
            }
        }
        return { index: cluster.pods.length + i, display: formatEndpoint(peer), endpoint: peer, addr, probePorts };
    });
}

/** Hands every policy's rules to the pods it selects, isolating them for the policy's directions. */
function applyPolicies(policies: readonly CompiledPolicy[], podsByNamespace: Map<string, EndpointInfo[]>): void {
    for (const policy of policies) {
        if (!policy.ingress && !policy.egress) continue;
        for (const info of podsByNamespace.get(policy.namespace) ?? []) {
            const pod = info.pod;
            if (pod === undefined || !policy.selects(pod.labels)) continue;
            if (policy.ingress) {
                pod.ingressIsolated = true;
                pod.ingressRules.push(...policy.ingressRules);
            }
            if (policy.egress) {
                pod.egressIsolated = true;
                pod.egressRules.push(...policy.egressRules);
            }
        }
    }
}

/**
 * Compiles (and validates) a cluster once, for many queries. Throws an Error listing every
 * problem when the input is something the API server would reject (see the module doc).
 */
export function createEvaluator(cluster: Cluster): Evaluator {
    // Check and index everything first, every problem at once; then attach the policies' rules.
    const errors: string[] = [];
    const namespaceLabels = indexNamespaces(cluster, errors);
    const podInfos = indexPods(cluster, namespaceLabels, errors);
    const externalInfos = indexExternalPeers(cluster, errors);
    const endpointCount = podInfos.length + externalInfos.length;
    const policies = cluster.policies
        .map((policy, i) => compilePolicy(policy, i, errors, endpointCount))
        .filter((p): p is CompiledPolicy => p !== undefined);
    if (errors.length > 0) {
        throw new Error(`invalid cluster for the NetworkPolicy evaluator:\n  ${errors.join("\n  ")}`);
    }
    const podsByKey = new Map(podInfos.map((info) => [info.display, info]));
    const externalsByName = new Map(externalInfos.map((info) => [(info.endpoint as ExternalPeer).name, info]));
    const podsByNamespace = new Map<string, EndpointInfo[]>();
    for (const info of podInfos) {
        const namespace = (info.endpoint as Pod).namespace;
        podsByNamespace.set(namespace, [...(podsByNamespace.get(namespace) ?? []), info]);
    }
    applyPolicies(policies, podsByNamespace);

    function resolve(endpoint: Endpoint, role: string): EndpointInfo {
        if (isPod(endpoint)) {
            const info = podsByKey.get(formatEndpoint(endpoint));
            if (info === undefined) throw new Error(`${role} ${formatEndpoint(endpoint)} is not a pod of the cluster`);
            return info;
        }
        const known = externalsByName.get(endpoint.name);
        if (known !== undefined && (known.endpoint as ExternalPeer).ip === endpoint.ip) return known;
        const addr = parseAddress(endpoint.ip);
        if (addr === undefined) throw new Error(`${role} ${formatEndpoint(endpoint)}: invalid ip`);
        return { index: -1, display: formatEndpoint(endpoint), endpoint, addr, probePorts: [] };
    }

    function resolvePair(from: Endpoint, to: Endpoint, port: number, protocol: Protocol): [EndpointInfo, EndpointInfo] {
        if (!isPortNumber(port)) throw new Error(`invalid port ${JSON.stringify(port)}`);
        if (!isProtocol(protocol)) throw new Error(`invalid protocol ${JSON.stringify(protocol)}`);
        const source = resolve(from, "source");
        const destination = resolve(to, "destination");
        if (source.pod === undefined && destination.pod === undefined) {
            throw new Error(`${source.display} -> ${destination.display}: no pod at either end, no policy applies`);
        }
        return [source, destination];
    }

    function egressOf(source: EndpointInfo, destination: EndpointInfo): SideVerdict {
        const pod = source.pod;
        return pod === undefined ? NOT_ISOLATED : sideVerdict(pod.egressIsolated, pod.egressRules, destination);
    }

    function ingressOf(source: EndpointInfo, destination: EndpointInfo): SideVerdict {
        const pod = destination.pod;
        return pod === undefined ? NOT_ISOLATED : sideVerdict(pod.ingressIsolated, pod.ingressRules, source);
    }

    function enumerate(options: FlowOptions, onlyAllowed: boolean): Flow[] {
        const defaultExternal = expandPortSpecs(options.externalPorts ?? DEFAULT_EXTERNAL_PORTS, "externalPorts");
        const sources = options.includeExternalSources === true ? [...podInfos, ...externalInfos] : podInfos;
        const destinations = [...podInfos, ...externalInfos];
        const found: { from: EndpointInfo; to: EndpointInfo; probe: PortProbe }[] = [];
        for (const source of sources) {
            for (const destination of destinations) {
                if (source === destination && options.includeSelf !== true) continue;
                if (source.pod === undefined && destination.pod === undefined) continue;
                const probes =
                    destination.pod === undefined && (destination.endpoint as ExternalPeer).ports === undefined
                        ? defaultExternal
                        : destination.probePorts;
                if (!onlyAllowed) {
                    for (const probe of probes) found.push({ from: source, to: destination, probe });
                    continue;
                }
                const egress = egressOf(source, destination);
                if (!egress.all && egress.rules.length === 0) continue;
                const ingress = ingressOf(source, destination);
                if (!ingress.all && ingress.rules.length === 0) continue;
                for (const probe of probes) {
                    if (
                        sideAllows(egress, probe.port, probe.protocol, destination) &&
                        sideAllows(ingress, probe.port, probe.protocol, destination)
                    ) {
                        found.push({ from: source, to: destination, probe });
                    }
                }
            }
        }
        return found.sort(compareFlows).map(({ from, to, probe }) => ({
            from: from.endpoint,
            to: to.endpoint,
            port: probe.port,
            protocol: probe.protocol,
        }));
    }

    return {
        isAllowed(from, to, port, protocol = "TCP") {
            const [source, destination] = resolvePair(from, to, port, protocol);
            return (
                sideAllows(egressOf(source, destination), port, protocol, destination) &&
                sideAllows(ingressOf(source, destination), port, protocol, destination)
            );
        },
        explain(from, to, port, protocol = "TCP") {
            const [source, destination] = resolvePair(from, to, port, protocol);
            const egress = egressOf(source, destination);
            const ingress = ingressOf(source, destination);
            const verdict = (side: SideVerdict): DirectionVerdict => ({
                isolated: !side.all,
                allowed: sideAllows(side, port, protocol, destination),
                allowedBy: sideAllowedBy(side, port, protocol, destination),
            });
            const egressVerdict = verdict(egress);
            const ingressVerdict = verdict(ingress);
            return {
                allowed: egressVerdict.allowed && ingressVerdict.allowed,
                egress: egressVerdict,
                ingress: ingressVerdict,
            };
        },
        isolation(pod) {
            const info = resolve(pod, "pod");
            return { ingress: info.pod?.ingressIsolated ?? false, egress: info.pod?.egressIsolated ?? false };
        },
        candidateFlowRecords(options = {}) {
            return enumerate(options, false);
        },
        allowedFlowRecords(options = {}) {
            return enumerate(options, true);
        },
        allowedFlows(options = {}) {
            return enumerate(options, true).map(formatFlow);
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Convenience entry points
// ---------------------------------------------------------------------------------------------

/**
 * Whether `from` may open a connection to `to` on `port`/`protocol` (default TCP): the source
 * pod's egress and the destination pod's ingress must both allow it. Compiles the cluster on
 * every call; use `createEvaluator` for many queries.
 */
export function isAllowed(
    cluster: Cluster,
    from: Endpoint,
    to: Endpoint,
    port: number,
    protocol: Protocol = "TCP",
): boolean {
    return createEvaluator(cluster).isAllowed(from, to, port, protocol);
}

/**
 * Every allowed connection among the candidates — each pod to every other pod on the
 * destination's container ports, and to every external peer on its probe ports (its own `ports`,
 * else `options.externalPorts`, else `DEFAULT_EXTERNAL_PORTS`) — as sorted, de-duplicated strings
 * like `ns/a -> ns/b:3300/TCP` (ordered by source, destination, port number, protocol).
 */
export function allowedFlows(cluster: Cluster, options: FlowOptions = {}): string[] {
    return createEvaluator(cluster).allowedFlows(options);
}

/** `allowedFlows` as structured records, in the same order. */
export function allowedFlowRecords(cluster: Cluster, options: FlowOptions = {}): Flow[] {
    return createEvaluator(cluster).allowedFlowRecords(options);
}

/** Every candidate connection `allowedFlows` considers, allowed or not, as sorted strings. */
export function candidateFlows(cluster: Cluster, options: FlowOptions = {}): string[] {
    return createEvaluator(cluster).candidateFlowRecords(options).map(formatFlow);
}

/** Whether `selector` matches `labels` (`{}` matches everything). Throws on a malformed selector. */
export function labelSelectorMatches(selector: LabelSelector, labels: Labels): boolean {
    const errors: string[] = [];
    const matcher = compileSelector(selector, "selector", errors);
    if (errors.length > 0) throw new Error(errors.join("; "));
    return matcher(labels);
}

/** Whether `ip` is inside `block.cidr` and outside every `block.except`. Throws on malformed input. */
export function ipBlockContains(block: IPBlock, ip: string): boolean {
    const errors: string[] = [];
    const contains = compileIpBlock(block, "ipBlock", errors);
    const addr = parseAddress(ip);
    if (addr === undefined) errors.push(`invalid ip ${JSON.stringify(ip)}`);
    if (errors.length > 0 || addr === undefined) throw new Error(errors.join("; "));
    return contains(addr);
}

/** The problems the evaluator (standing in for the API server) finds in one policy; [] when valid. */
export function validateNetworkPolicy(policy: NetworkPolicy): string[] {
    const errors: string[] = [];
    compilePolicy(policy, 0, errors, 0);
    return errors;
}

/** The difference between an actual and an expected flow list, for readable assertion messages. */
export function diffFlows(
    actual: readonly string[],
    expected: readonly string[],
): { missing: string[]; unexpected: string[] } {
    const actualSet = new Set(actual);
    const expectedSet = new Set(expected);
    return {
        missing: [...expectedSet].filter((flow) => !actualSet.has(flow)).sort(),
        unexpected: [...actualSet].filter((flow) => !expectedSet.has(flow)).sort(),
    };
}
