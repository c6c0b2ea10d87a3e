/**
 * Pure checks shared by the config loader and every component's argument checks, so a value is
 * judged by one rule wherever it is checked. `check*` functions return `undefined` when the value
 * is fine, or a short description of what is allowed, which the caller reports with the path and
 * the value given; `is*` functions are plain predicates.
 */
import { CronExpressionParser } from "cron-parser";
import * as ipaddr from "ipaddr.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a DNS-1123 label is, as problem reports say it. */
export const DNS_LABEL_ALLOWED =
    "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
/** What a DNS-1123 subdomain is, as problem reports say it. */
export const DNS_SUBDOMAIN_ALLOWED =
    "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
/** What a Kubernetes Secret or ConfigMap key is, as problem reports say it. */
export const SECRET_KEY_ALLOWED = "a Secret key: letters, digits, '-', '_' and '.'";

/** A Kubernetes DNS-1123 label (namespace, Service and container names): lower-case alphanumerics and '-', at most 63. */
export function isDnsLabel(value: unknown): value is string {
    return typeof value === "string" && value.length <= 63 && DNS_LABEL.test(value);
}

/** A Kubernetes DNS-1123 subdomain (Secret and service-account names): labels joined by '.', at most 253. */
export function isDnsSubdomain(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** What {@link isFqdn} allows, as problem reports say it. */
export const FQDN_ALLOWED =
    "a fully qualified DNS name: lower-case DNS-1123 labels joined by '.', at least one dot, a top-level label that is " +
    "not all digits, at most 253 characters, no wildcard or trailing dot (e.g. api.messaging.example.org)";

/**
 * A fully qualified host name as an Ingress rule and a certificate name it: DNS-1123 labels, at
 * least two, at most 253 characters. No wildcard, no trailing dot, and not an IP address (a
 * top-level label is never all digits).
 */
export function isFqdn(value: unknown): value is string {
    if (typeof value !== "string" || value.length > 253) return false;
    const labels = value.split(".");
    return labels.length >= 2 && labels.every(isDnsLabel) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** A key of a Kubernetes Secret or ConfigMap. */
export function isSecretKey(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value);
}

/** An integer within `[min, max]`. */
export function isIntInRange(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** What {@link isIntInRange} allows, as problem reports say it. */
export function intRangeAllowed(min: number, max = Number.MAX_SAFE_INTEGER, unit?: string): string {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    return unit === undefined ? range : `${range} (${unit})`;
}

/** Parts of a container image reference. */
export interface ImageReference {
    repository: string;
    tag?: string;
    digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY =
    /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Splits `registry/repo:tag@sha256:...` into its parts; `undefined` when it is not an image reference. */
export function parseImageReference(image: string): ImageReference | undefined {
    const [nameAndTag, digest, ...rest] = image.split("@");
    if (rest.length > 0 || (digest !== undefined && !DIGEST.test(digest))) return undefined;
    const lastSlash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.indexOf(":", lastSlash + 1);
    const repository = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
    const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
    if (!REPOSITORY.test(repository) || (tag !== undefined && !TAG.test(tag))) return undefined;
    return { repository, tag, digest };
}

/** An image must name a version tag (not `latest`) or a sha256 digest, so a rollout is reproducible. */
export function checkPinnedImage(image: string): string | undefined {
    const allowed =
        "an image pinned to a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never latest or untagged)";
    const ref = parseImageReference(image);
    if (!ref) return allowed;
    if (ref.digest) return undefined;
    if (ref.tag === undefined || ref.tag === "latest") return allowed;
    return undefined;
}

const CRON_MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/** A Kubernetes CronJob schedule: five fields or one of the standard macros. */
export function checkCronSchedule(schedule: string): string | undefined {
    const allowed =
        'a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 */6 * * *") or a macro such as @daily';
    const trimmed = schedule.trim();
    if (CRON_MACROS.has(trimmed)) return undefined;
    if (trimmed.split(/\s+/).length !== 5) return allowed;
    try {
        CronExpressionParser.parse(trimmed);
        return undefined;
    } catch {
        return allowed;
    }
}

/** A CIDR that names a network: valid syntax and no host bits set (10.0.0.0/16, not 10.0.0.5/16). */
export function checkNetworkCidr(cidr: string): string | undefined {
    const allowed = "a network CIDR with no host bits set, e.g. 10.20.0.0/16 or 2001:db8::/32";
    if (!ipaddr.isValidCIDR(cidr)) return allowed;
    const [address, prefix] = ipaddr.parseCIDR(cidr);
    const network =
        address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
    if (network.toString() !== address.toString()) return `${allowed} (did you mean ${network.toString()}/${prefix}?)`;
    return undefined;
}

/** An EVM contract address: 0x and 40 hex digits, not the zero address. */
export function checkEvmAddress(address: string): string | undefined {
    const allowed = "an EVM address: 0x followed by 40 hex digits, not the zero address";
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return allowed;
    if (/^0x0{40}$/.test(address)) return allowed;
    return undefined;
}

const OIDC_PROVIDER_ARN =
    /^arn:aws(?:-cn|-us-gov)?:iam::([0-9]{12}):oidc-provider\/(oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/id\/[A-Za-z0-9]+)$/;

/** The parts of an EKS OIDC provider ARN. */
export interface OidcProviderArnParts {
    accountId: string;
    /** Issuer without the scheme, as IAM condition keys use it: `oidc.eks.<region>.amazonaws.com/id/<ID>`. */
    issuerHostPath: string;
    region: string;
}

/** Parses `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`. */
export function parseOidcProviderArn(arn: string): OidcProviderArnParts | undefined {
    const match = OIDC_PROVIDER_ARN.exec(arn);
    if (!match) return undefined;
    return { accountId: match[1], issuerHostPath: match[2], region: match[3] };
}

/** Kubernetes CPU quantity in millicores, or `undefined` when malformed. */
export function parseCpuMillis(quantity: string): number | undefined {
    const match = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(quantity);
    if (!match) return undefined;
    const value = Number(match[1]);
    return match[2] === "m" ? value : value * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
};

/** Kubernetes memory or storage quantity in bytes, or `undefined` when malformed. */
export function parseByteQuantity(quantity: string): number | undefined {
    const match = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
    if (!match) return undefined;
    return Number(match[1]) * MEMORY_UNITS[match[2] ?? ""];
}

/** `host:port` as used for broker and database endpoints. */
export function parseHostPort(endpoint: string): { host: string; port: number } | undefined {
    const match = /^([A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(endpoint);
    if (!match) return undefined;
    const port = Number(match[2]);
    if (port < 1 || port > 65535) return undefined;
    return { host: match[1], port };
}

/** What a Prometheus duration is, as problem reports say it. */
export const DURATION_ALLOWED = "a Prometheus duration in hours, minutes and seconds, such as 30s, 1m or 1h30m";

/** Seconds of a Prometheus duration written in whole hours, minutes and seconds (`1h30m`, `45s`), or undefined. */
export function parseDurationSeconds(duration: string): number | undefined {
    const match = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/.exec(duration);
    if (!match || duration === "") return undefined;
    const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    const total = hours * 3600 + minutes * 60 + seconds;
    return total > 0 ? total : undefined;
}

/** What a Kubernetes label is, as problem reports say it. */
export const LABEL_ALLOWED =
    "a Kubernetes label: an optional DNS-subdomain prefix and '/', a name of at most 63 letters, digits, '-', '_' " +
    "and '.' starting and ending with a letter or digit, and a value of that form (or empty)";

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A Kubernetes label key (`[prefix/]name`) with a valid value. */
export function isLabel(key: string, value: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash === -1 ? undefined : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    if (prefix !== undefined && (!isDnsSubdomain(prefix) || prefix.length > 253)) return false;
    return LABEL_NAME.test(name) && (value === "" || LABEL_NAME.test(value));
}
