/**
 * AWS (provider @pulumi/aws v7), one file per service: customer-managed KMS keys that rotate and
 * cannot vanish quickly, Secrets Manager entries under that key with a recovery window,
 * least-privilege IAM, IRSA trusts pinned to one service account, no static credentials, and S3
 * buckets locked down through the v7 split resources (the per-bucket companion check is a stack
 * rule, see stack/bucketCompanions.ts).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { iamNoStaticCredentials, iamNoWildcardActions, iamNoWildcardResources } from "./iamPermissions";
import { iamOidcTrustPinned, iamTrustNoWildcardPrincipal } from "./iamTrust";
import {
    kmsKeyDeletionWindow,
    kmsKeyPolicyLockoutSafety,
    kmsKeyPolicyNoWildcardPrincipal,
    kmsKeyRotation,
} from "./kms";
import { s3BucketPolicyTlsOnly, s3PublicAccessBlockAllFlags, s3SseKmsCustomerKey, s3VersioningEnabled } from "./s3";
import { secretCustomerKmsKey, secretRecoveryWindow, secretRotationInterval } from "./secretsManager";

export type { MinimumDaysConfig } from "./common";
export * from "./iamPermissions";
export * from "./iamTrust";
export * from "./kms";
export * from "./s3";
export * from "./rotationSchedule";
export * from "./secretsManager";

/** The aws group. */
export const awsPolicies: readonly ResourceValidationPolicy[] = [
    kmsKeyRotation,
    kmsKeyDeletionWindow,
    kmsKeyPolicyNoWildcardPrincipal,
    kmsKeyPolicyLockoutSafety,
    secretCustomerKmsKey,
    secretRecoveryWindow,
    secretRotationInterval,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamNoStaticCredentials,
    iamOidcTrustPinned,
    iamTrustNoWildcardPrincipal,
    s3PublicAccessBlockAllFlags,
    s3SseKmsCustomerKey,
    s3VersioningEnabled,
    s3BucketPolicyTlsOnly,
];
