/**
 * DESIGN.md's network table as floors no stack may go below, and the secrets only an operator
 * knows.
 */
import { Network } from "../network";

/** What no stack of a network may go below. */
export interface NetworkFloors {
    minReplicas: { relay: number; kmsService: number; messagingApi: number };
    minKmsDeletionWindowDays: number;
    minSecretRecoveryWindowDays: number;
    /** Stateful resources must be `protect`ed on this network. */
    requireProtection: boolean;
}

/** DESIGN.md's network table as floors: testnet and mainnet are highly available and protected. */
export const NETWORK_FLOORS: Record<Network, NetworkFloors> = {
    devnet: {
        minReplicas: { relay: 1, kmsService: 1, messagingApi: 1 },
        minKmsDeletionWindowDays: 7,
        minSecretRecoveryWindowDays: 7,
        requireProtection: false,
    },
    testnet: {
        minReplicas: { relay: 2, kmsService: 2, messagingApi: 3 },
        minKmsDeletionWindowDays: 30,
        minSecretRecoveryWindowDays: 30,
        requireProtection: true,
    },
    mainnet: {
        minReplicas: { relay: 3, kmsService: 2, messagingApi: 3 },
        minKmsDeletionWindowDays: 30,
        minSecretRecoveryWindowDays: 30,
        requireProtection: true,
    },
};

/**
 * Operator-supplied secrets: values only an operator knows, set with `pulumi config set --secret`.
 * The external stores' passwords are among them unless the stack names an existing Secrets
 * Manager secret for them instead (see {@link requiredOperatorSecrets}).
 */
export const OPERATOR_SECRET_KEYS = [
    "covenantSqlCredentials",
    "jwtPublicKey",
    "postgresPassword",
    "redisPassword",
] as const;
/** One of {@link OPERATOR_SECRET_KEYS}. */
export type OperatorSecretKey = (typeof OPERATOR_SECRET_KEYS)[number];

/** The store whose `password` setting replaces each store-password secret. */
const STORE_OF_SECRET: Partial<Record<OperatorSecretKey, "postgres" | "redis">> = {
    postgresPassword: "postgres",
    redisPassword: "redis",
};

/** The config path that names an existing secret in place of an operator secret, if it can be. */
export function existingSecretPath(key: OperatorSecretKey): string | undefined {
    const store = STORE_OF_SECRET[key];
    return store === undefined ? undefined : `externalStores.${store}.password`;
}

/**
 * The operator secrets a stack needs, from its raw config: all of them, except a store password
 * whose store names an existing Secrets Manager secret (`externalStores.<store>.password`).
 */
export function requiredOperatorSecrets(raw: Readonly<Record<string, unknown>>): OperatorSecretKey[] {
    const stores = (raw.externalStores ?? {}) as Record<string, { password?: unknown } | undefined>;
    return OPERATOR_SECRET_KEYS.filter((key) => {
        const store = STORE_OF_SECRET[key];
        return store === undefined || stores[store]?.password === undefined;
    });
}
