/**
 * The facts every fixture of the compliant stack shares: its namespace, account, cluster issuer,
 * network key and backup bucket.
 */

export const NS = "messaging-mainnet";
export const ACCOUNT = "777788889999";
export const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE9F8E7D6C5B4A39281706F5E4D";
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mock-key-id-of-network-key`;
export const BUCKET_NAME = "messaging-infra-mainnet-backups";
export const GITHUB_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
export const GITHUB_REPO = "example-org/messaging-infra";
