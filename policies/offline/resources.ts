/**
 * How a resource looks to the policies: the {@link OfflineResource} the harness hands over, and the
 * SDK-shaped views built from it (`ResourceValidationArgs` with its inputs, `PolicyResource`s with
 * inputs overlaid by outputs, parents, dependencies and providers linked).
 */
import type {
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
} from "@pulumi/policy";

/** One resource as the project's mock-engine harness hands it over. */
export interface OfflineResource {
    type: string; // e.g. "kubernetes:apps/v1:Deployment"
    name: string; // logical name
    urn: string;
    parent?: string; // parent urn
    // Inputs, secrets already unwrapped to plain values (as the policy engine gives them).
    props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // Outputs (inputs plus computed values such as `id` and `arn`), when the run recorded them.
    outputs?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    secretPaths?: string[]; // top-level or dotted paths of props that were Pulumi secrets
    options: {
        protect?: boolean;
        provider?: string;
        dependsOn?: string[];
        aliases?: unknown[];
        retainOnDelete?: boolean;
        ignoreChanges?: string[];
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs?: string[];
    };
}

/** Thrown by `args.notApplicable`; ends the validation without a violation, as in the analyzer. */
export class NotApplicableError extends Error {
    constructor(public readonly reason?: string) {
        super(reason ?? "Policy does not apply");
        this.name = "NotApplicableError";
    }
}

/** The `notApplicable` of every args object: throws {@link NotApplicableError}. */
export function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

/** A resource class as the policy SDK tests types with it (generated SDK classes carry `__pulumiType`). */
type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };

/** The analyzer's type test: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
    const pulumiType = resourceClass.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType.length > 0) return type === pulumiType;
    const isInstance = resourceClass.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** The engine's resource options for a recorded resource. */
export function policyResourceOptions(resource: OfflineResource): PolicyResourceOptions {
    const o = resource.options ?? {};
    const opts: PolicyResourceOptions = {
        protect: o.protect ?? false,
        ignoreChanges: [...(o.ignoreChanges ?? [])],
        aliases: (o.aliases ?? []).filter((a): a is string => typeof a === "string"),
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(o.additionalSecretOutputs ?? [])],
    };
    if (o.deleteBeforeReplace !== undefined) opts.deleteBeforeReplace = o.deleteBeforeReplace;
    if (resource.parent) opts.parent = resource.parent;
    return opts;
}

/** Finds the resource a URN (or a provider reference `<urn>::<id>`) names. */
export function makeLookup(
    resources: readonly OfflineResource[],
): (ref: string | undefined) => OfflineResource | undefined {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return (ref) => {
        if (!ref) return undefined;
        const exact = byUrn.get(ref);
        if (exact) return exact;
        const cut = ref.lastIndexOf("::");
        return cut > 0 ? byUrn.get(ref.slice(0, cut)) : undefined;
    };
}

/** A resource's props as stack policies see them: its inputs overlaid with its outputs, when recorded. */
export function stackProps(resource: OfflineResource): PolicyResource["props"] {
    return resource.outputs === undefined ? resource.props : { ...resource.props, ...resource.outputs };
}

/** The provider of a resource as the analyzer describes it (type, props, urn, name), with props from `view`. */
export function providerOf(
    resource: OfflineResource,
    lookup: (ref: string | undefined) => OfflineResource | undefined,
    view: (found: OfflineResource) => Record<string, unknown> = (found) => found.props,
): PolicyProviderResource | undefined {
    const ref = resource.options?.provider;
    if (!ref) return undefined;
    const found = lookup(ref);
    if (found) return { type: found.type, props: view(found), urn: found.urn, name: found.name };
    // An unrecorded provider: its type and name are still in the reference's URN.
    const cut = ref.lastIndexOf("::");
    const urn = cut > 0 && ref.slice(0, cut).includes("::pulumi:providers:") ? ref.slice(0, cut) : ref;
    const parts = urn.split("::");
    return parts.length >= 4
        ? { type: parts[parts.length - 2], props: {}, urn, name: parts[parts.length - 1] }
        : undefined;
}

/**
 * Stack-policy view of the resources: PolicyResources with parents and dependencies linked, and
 * props (theirs and their providers') from {@link stackProps}.
 */
export function toPolicyResources(resources: readonly OfflineResource[]): PolicyResource[] {
    const lookup = makeLookup(resources);
    const views = new Map(resources.map((r) => [r, stackProps(r)]));
    const view = (r: OfflineResource) => views.get(r) ?? stackProps(r);
    const out = resources.map((r) => {
        const props = view(r);
        const policyResource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: policyResourceOptions(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls as ResourceClass),
            asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(r, lookup, view);
        if (provider) policyResource.provider = provider;
        return policyResource;
    });
    const byUrn = new Map(out.map((p) => [p.urn, p]));
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) out[i].parent = parent;
        out[i].dependencies = (r.options?.dependsOn ?? [])
            .map((u) => byUrn.get(u))
            .filter((d): d is PolicyResource => d !== undefined);
    });
    return out;
}

/** The resource-policy args for one resource and one policy's config. */
export function resourceValidationArgs(
    resource: OfflineResource,
    properties: Record<string, unknown> = {},
    context: { provider?: PolicyProviderResource; stackTags?: ReadonlyMap<string, string> } = {},
): ResourceValidationArgs {
    return withConfig(baseArgs(resource, context.provider, context.stackTags ?? new Map()), properties);
}

/** Everything of a resource's args except getConfig (built once per resource, shared by its policies). */
export function baseArgs(
    resource: OfflineResource,
    provider: PolicyProviderResource | undefined,
    stackTags: ReadonlyMap<string, string>,
): Omit<ResourceValidationArgs, "getConfig"> {
    const base: Omit<ResourceValidationArgs, "getConfig"> = {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: policyResourceOptions(resource),
        stackTags,
        isType: (cls) => isTypeOf(resource.type, cls as ResourceClass),
        asType: ((cls: ResourceClass) =>
            isTypeOf(resource.type, cls) ? resource.props : undefined) as ResourceValidationArgs["asType"],
        notApplicable: throwNotApplicable,
    };
    if (provider) base.provider = provider;
    return base;
}

/** A resource's args with one policy's config. */
export function withConfig(
    base: Omit<ResourceValidationArgs, "getConfig">,
    properties: Record<string, unknown>,
): ResourceValidationArgs {
    return { ...base, getConfig: <T extends object>() => ({ ...properties }) as T };
}
