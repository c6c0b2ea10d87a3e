/**
 * AWS (provider @pulumi/aws v7), one file per service: customer-managed KMS keys that rotate and
 * cannot vanish quickly, Secrets Manager entries under that key with a recovery window and a
 * bounded rotation interval, least-privilege IAM, IRSA trusts pinned to one service account,
 * other OIDC trusts (GitHub Actions) pinned to one repository (a stack rule: it reads the role's
 * grants), no static credentials, and S3 buckets locked down through the v7 split resources (the
 * per-bucket companion check is a stack rule, see stack/bucketCompanions.ts).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { iamOidcFederatedTrustPinned } from "./federatedTrust";
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
export * from "./federatedTrust";
export * from "./iamPermissions";
export * from "./iamTrust";
export * from "./kms";
export * from "./s3";
export * from "./rotationSchedule";
export * from "./secretsManager";

/** The aws group. */
export const awsPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
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
    iamOidcFederatedTrustPinned,
    iamTrustNoWildcardPrincipal,
    s3PublicAccessBlockAllFlags,
    s3SseKmsCustomerKey,
    s3VersioningEnabled,
    s3BucketPolicyTlsOnly,
];
