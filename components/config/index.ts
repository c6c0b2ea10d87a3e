/**
 * The typed, validated stack config, by area: floors.ts (the network table as floors), fields.ts
 * (field schemas), services.ts (each service's config), schema.ts (a whole stack), problems.ts
 * (problem reports beyond the schema) and load.ts (reading the CLI's config map). Components never
 * read config themselves; index.ts loads it once and hands slices down.
 */
export { Network, NETWORKS, PROJECT } from "../network";
export {
    existingSecretPath,
    NETWORK_FLOORS,
    NetworkFloors,
    OPERATOR_SECRET_KEYS,
    OperatorSecretKey,
    requiredOperatorSecrets,
} from "./floors";
export { STACK_CONFIG } from "./problems";
export { NetworkConfig, StackConfig } from "./schema";
export {
    loadNetworkConfig,
    OperatorSecretsPresence,
    parseStackConfig,
    RawStackConfig,
    rawConfigFromCli,
    toNetworkConfig,
} from "./load";
