/**
 * The messaging-infra CrossGuard policy pack. This file only constructs the PolicyPack (which
 * starts the analyzer the Pulumi CLI talks to); the rules live in ./rules, by area, so tests and
 * the offline runner (./offline) import them without starting anything. Never import this file
 * from a test.
 *
 *     pulumi preview --stack mainnet --policy-pack policies --policy-pack-config policies/config/mainnet.json
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./rules";

new PolicyPack(PACK_NAME, {
    policies: [...allPolicies],
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    description:
        "messaging-infra: Pod Security Standards (restricted), workload reliability, network " +
        "exposure, RBAC, secrets, AWS (KMS, Secrets Manager, IAM, S3), supported API versions and " +
        "whole-stack rules.",
});
