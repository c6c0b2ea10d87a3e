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
        minReplicas: { relay: 2, kmsService: 2, messagingApi: 2 },
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

/** Operator-supplied secrets: values only an operator knows, set with `pulumi config set --secret`. */
export const OPERATOR_SECRET_KEYS = ["covenantSqlCredentials", "jwtPublicKey"] as const;
/** One of {@link OPERATOR_SECRET_KEYS}. */
export type OperatorSecretKey = (typeof OPERATOR_SECRET_KEYS)[number];
