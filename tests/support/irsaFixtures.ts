/**
 * Named ARNs of one network in the IAM simulator's account, and the problem assertion, shared by
 * the IrsaRole and grant specs.
 */
import * as assert from "node:assert/strict";
import { ArgumentProblem, ArgumentsError } from "../../components/aws/arguments";
import { PolicyDocument } from "../../components/aws/policyDocument";
import { ACCOUNT } from "./iamSimulator";

// Named resources of one network, in the simulator's account.
export const NETWORK_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
export const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
export const OPERATOR_KEYS = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/devnet/relay-operator-keys-AbCdEf`;
export const MASTER_KEY = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/devnet/kms-service/master-key-GhIjKl`;
export const BUCKET = `arn:aws:s3:::messaging-infra-devnet-backups-${ACCOUNT}`;
export const OTHER_BUCKET = `arn:aws:s3:::messaging-infra-devnet-uploads-${ACCOUNT}`;

export const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
export const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

/** A policy document of these statements. */
export const doc = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({
    Version: "2012-10-17",
    Statement,
});

/** Asserts `fn` throws an ArgumentsError with exactly these problems and subject. */
export function expectProblems(fn: () => unknown, subject: string, problems: ArgumentProblem[]): void {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof ArgumentsError, String(e));
        assert.deepEqual(e.problems, problems);
        assert.equal(e.subject, subject);
        return true;
    });
}
