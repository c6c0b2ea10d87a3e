/**
 * The network's public entry points: one TLS Ingress per public service (relay.<domain>,
 * api.<domain>), through the ingress controller and cert-manager named in config. No Service of
 * type LoadBalancer or NodePort exists anywhere in the platform.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "./config";
import { IngressRoute, PublicEndpoint } from "./k8s/ingress";
import { PROJECT, SERVICE_NAMES } from "./network";
import { MESSAGING_API_AFFINITY_SECONDS, MESSAGING_API_ROUTES } from "./services/messagingApi";
import { RELAY_AFFINITY_SECONDS, RELAY_ROUTES } from "./services/relay";

/** Seconds a WebSocket connection may stay idle at the ingress before it is closed. */
export const WEBSOCKET_IDLE_SECONDS = 3600;

/** What an endpoint needs of its service: the ClusterIP Service's name. */
interface Backend {
    readonly serviceName: pulumi.Input<string>;
}

/** One public service: its subdomain, routes, the largest request it accepts and how long a client stays pinned. */
export interface EndpointPlan {
    readonly service: string;
    readonly subdomain: string;
    readonly routes: readonly IngressRoute[];
    readonly maxBodyBytes: number;
    readonly affinitySeconds: number;
}

/** The public services of a network, with the limits their own config sets. */
export function endpointPlans(config: Pick<NetworkConfig, "services">): EndpointPlan[] {
    return [
        {
            service: SERVICE_NAMES.relay,
            subdomain: "relay",
            routes: RELAY_ROUTES,
            maxBodyBytes: config.services.relay.limits.maxMessageBytes,
            affinitySeconds: RELAY_AFFINITY_SECONDS,
        },
        {
            service: SERVICE_NAMES.messagingApi,
            subdomain: "api",
            routes: MESSAGING_API_ROUTES,
            maxBodyBytes: config.services.messagingApi.websocket.maxFrameBytes,
            affinitySeconds: MESSAGING_API_AFFINITY_SECONDS,
        },
    ];
}

/** Creates the network's public endpoints, one PublicEndpoint per public service. */
export function publicEndpoints(
    name: string,
    config: Pick<NetworkConfig, "network" | "domain" | "ingress" | "services" | "stackFile">,
    namespace: pulumi.Input<string>,
    backends: { readonly relay: Backend; readonly messagingApi: Backend },
    opts: pulumi.ComponentResourceOptions,
): { service: string; host: string }[] {
    const backendOf: Record<string, Backend> = {
        [SERVICE_NAMES.relay]: backends.relay,
        [SERVICE_NAMES.messagingApi]: backends.messagingApi,
    };
    return endpointPlans(config).map((plan) => {
        const endpoint = new PublicEndpoint(
            `${name}-${plan.service}-ingress`,
            {
                network: config.network,
                namespace,
                service: plan.service,
                serviceName: backendOf[plan.service].serviceName,
                host: `${plan.subdomain}.${config.domain}`,
                className: config.ingress.className,
                clusterIssuer: config.ingress.clusterIssuer,
                routes: plan.routes,
                websocketTimeoutSeconds: WEBSOCKET_IDLE_SECONDS,
                // WebSocket clients come back to the pod that holds their session (and, for the
                // relay, its blobs), as long as the Service's own client-IP affinity lasts.
                stickySessions: { cookieName: `${plan.service}-affinity`, maxAgeSeconds: plan.affinitySeconds },
                maxBodyBytes: plan.maxBodyBytes,
                configSource: `${config.stackFile} (${PROJECT}:ingress, ${PROJECT}:domain)`,
            },
            opts,
        );
        return { service: plan.service, host: endpoint.host };
    });
}
