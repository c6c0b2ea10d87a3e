/**
 * The AWS building blocks, one file each: the network's KMS key, Secrets Manager entries, IRSA roles
 * and the backup bucket, plus the pure renderers and checks behind them.
 */
export * from "./arguments";
export * from "./backupBucket";
export * from "./encryptionKey";
export * from "./irsaRole";
export * from "./managedSecret";
export * from "./policyDocument";
