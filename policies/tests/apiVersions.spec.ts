/**
 * The API-version rule (rules/apiVersions.ts): the compliant stack passes; each kind at a removed,
 * unknown or CustomResource-spelled API version, as a Patch or List type, and a Helm Release fails with
 * the exact message. It must see every type: no fast-path marker, and the offline runner calls it for
 * types no other rule handles.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../offline";
import {
    API_REMOVALS,
    apiVersionSupported,
    CHECKED_KINDS,
    k8sTypeParts,
    SUPPORTED_TYPES_BY_KIND,
} from "../rules/apiVersions";
import { K8S } from "../rules/util";
import { compliantStack } from "./compliantStack";
import { FailingCase, messagesOf, policyTable, res } from "./support";

/** Turns the stack's resource `name` of type `from` into type `to`. */
function retype(stack: OfflineResource[], from: string, name: string, to: string): void {
    const r = stack.find((x) => x.type === from && x.name === name);
    assert.ok(r, `${from} ${name} is in the compliant stack`);
    r.type = to;
}

/** One case: the stack's `name` of type `from` declared as `to`, and the message naming `to`. */
function declaredAs(from: string, name: string, to: string, message: string): FailingCase<OfflineResource[]> {
    return { name: to, mutate: (stack) => retype(stack, from, name, to), messages: [message] };
}

describe("api-versions policies", () => {
    policyTable(apiVersionSupported, compliantStack, (stack) => stack, [
        declaredAs(
            K8S.CronJob,
            "object-store-backup",
            "kubernetes:batch/v1beta1:CronJob",
            "type is kubernetes:batch/v1beta1:CronJob: CronJob at batch/v1beta1, which Kubernetes 1.25 stopped " +
                "serving, so none of the pack's CronJob rules checked it; declare it as kubernetes:batch/v1:CronJob.",
        ),
        declaredAs(
            K8S.CronJob,
            "object-store-backup",
            "kubernetes:batch/v2alpha1:CronJob",
            "type is kubernetes:batch/v2alpha1:CronJob: CronJob at batch/v2alpha1, an API version the pack does not " +
                "evaluate, so none of the pack's CronJob rules checked it; declare it as kubernetes:batch/v1:CronJob.",
        ),
        declaredAs(
            K8S.Ingress,
            "relay-ingress",
            "kubernetes:extensions/v1beta1:Ingress",
            "type is kubernetes:extensions/v1beta1:Ingress: Ingress at extensions/v1beta1, which Kubernetes 1.22 " +
                "stopped serving, so none of the pack's Ingress rules checked it; declare it as " +
                "kubernetes:networking.k8s.io/v1:Ingress.",
        ),
        declaredAs(
            K8S.Ingress,
            "relay-ingress",
            "kubernetes:networking.k8s.io/v1beta1:Ingress",
            "type is kubernetes:networking.k8s.io/v1beta1:Ingress: Ingress at networking.k8s.io/v1beta1, which " +
                "Kubernetes 1.22 stopped serving, so none of the pack's Ingress rules checked it; declare it as " +
                "kubernetes:networking.k8s.io/v1:Ingress.",
        ),
        declaredAs(
            K8S.PodDisruptionBudget,
            "relay-pdb",
            "kubernetes:policy/v1beta1:PodDisruptionBudget",
            "type is kubernetes:policy/v1beta1:PodDisruptionBudget: PodDisruptionBudget at policy/v1beta1, which " +
                "Kubernetes 1.25 stopped serving, so none of the pack's PodDisruptionBudget rules checked it; " +
                "declare it as kubernetes:policy/v1:PodDisruptionBudget.",
        ),
        declaredAs(
            K8S.Deployment,
            "relay",
            "kubernetes:apps/v1beta2:Deployment",
            "type is kubernetes:apps/v1beta2:Deployment: Deployment at apps/v1beta2, which Kubernetes 1.16 stopped " +
                "serving, so none of the pack's Deployment rules checked it; declare it as kubernetes:apps/v1:Deployment.",
        ),
        declaredAs(
            K8S.HorizontalPodAutoscaler,
            "relay-hpa",
            "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
            "type is kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler: HorizontalPodAutoscaler at " +
                "autoscaling/v2beta2, which Kubernetes 1.26 stopped serving, so none of the pack's " +
                "HorizontalPodAutoscaler rules checked it; declare it as " +
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler or kubernetes:autoscaling/v1:HorizontalPodAutoscaler.",
        ),
        declaredAs(
            K8S.HorizontalPodAutoscaler,
            "relay-hpa",
            "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
            "type is kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler: HorizontalPodAutoscaler at " +
                "autoscaling/v2beta1, which Kubernetes 1.25 stopped serving, so none of the pack's " +
                "HorizontalPodAutoscaler rules checked it; declare it as " +
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler or kubernetes:autoscaling/v1:HorizontalPodAutoscaler.",
        ),
        declaredAs(
            K8S.RoleBinding,
            "relay-config-reader",
            "kubernetes:rbac.authorization.k8s.io/v1beta1:RoleBinding",
            "type is kubernetes:rbac.authorization.k8s.io/v1beta1:RoleBinding: RoleBinding at " +
                "rbac.authorization.k8s.io/v1beta1, which Kubernetes 1.22 stopped serving, so none of the pack's " +
                "RoleBinding rules checked it; declare it as kubernetes:rbac.authorization.k8s.io/v1:RoleBinding.",
        ),
        declaredAs(
            K8S.ConfigMap,
            "relay-config",
            "kubernetes:v1:ConfigMap",
            "type is kubernetes:v1:ConfigMap: ConfigMap at v1, the core group as a CustomResource spells it, not " +
                "the provider's core/v1 type, so none of the pack's ConfigMap rules checked it; declare it as " +
                "kubernetes:core/v1:ConfigMap.",
        ),
        declaredAs(
            K8S.Deployment,
            "relay",
            "kubernetes:apps/v1:DeploymentPatch",
            "type is kubernetes:apps/v1:DeploymentPatch, a patch of a Deployment this stack does not declare in " +
                "full: the pack cannot see the object the patch produces, so none of its Deployment rules checked " +
                "it; declare the whole object as kubernetes:apps/v1:Deployment.",
        ),
        declaredAs(
            K8S.Secret,
            "relay-db",
            "kubernetes:core/v1:SecretList",
            "type is kubernetes:core/v1:SecretList, which declares Secret objects as items of one resource that " +
                "none of the pack's Secret rules checks; declare each item as kubernetes:core/v1:Secret.",
        ),
        {
            name: "a Helm Release",
            mutate: (stack) =>
                void stack.push(res("kubernetes:helm.sh/v3:Release", "ingress-nginx", { chart: "ingress-nginx" })),
            messages: [
                "type is kubernetes:helm.sh/v3:Release, whose objects the provider creates without registering " +
                    "them, so none of the pack's rules checked them; use kubernetes:helm.sh/v4:Chart, which " +
                    "registers each object of the chart as a resource the pack checks.",
            ],
        },
    ]);

    it("passes components whose children the engine registers, kinds it does not check, and other clouds", async () => {
        const types = [
            "kubernetes:yaml/v2:ConfigGroup",
            "kubernetes:yaml/v2:ConfigFile",
            "kubernetes:yaml:ConfigFile",
            "kubernetes:helm.sh/v4:Chart",
            "kubernetes:helm.sh/v3:Chart",
            "kubernetes:kustomize/v2:Directory",
            "kubernetes:core/v1:LimitRange",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
            "kubernetes:apps/v1:ControllerRevision",
            K8S.Provider,
            "aws:s3/bucketV2:BucketV2",
        ];
        const resources = types.map((type, i) => res(type, `r${i}`, {}));
        assert.deepEqual(await messagesOf(apiVersionSupported, resources), []);
    });

    it("carries no type fast-path marker, so the analyzer and the offline runner call it for every type", async () => {
        const validate = apiVersionSupported.validateResource as { __pulumiType?: unknown; __pulumiTypes?: unknown };
        assert.equal(validate.__pulumiType, undefined);
        assert.equal(validate.__pulumiTypes, undefined);
        // A type no rule of the pack declares still reaches it through the whole-pack run.
        const old = res("kubernetes:extensions/v1beta1:DaemonSet", "node-agent", {});
        const { evaluatePolicies } = await import("../offline");
        const violations = await evaluatePolicies([old]);
        assert.deepEqual(
            violations.map((v) => [v.policyName, v.group, v.enforcementLevel]),
            [["k8s-api-version-supported", "api-versions", "mandatory"]],
        );
    });

    it("derives the supported kinds from K8S, and names only those kinds in its removal table", () => {
        assert.deepEqual(SUPPORTED_TYPES_BY_KIND.get("HorizontalPodAutoscaler"), [
            K8S.HorizontalPodAutoscaler,
            K8S.HorizontalPodAutoscalerV1,
        ]);
        assert.equal(
            CHECKED_KINDS.size,
            Object.values(K8S).filter((t) => t !== K8S.Provider).length - 1, // two HPA tokens, one kind
        );
        for (const removal of API_REMOVALS) {
            for (const kind of removal.kinds) {
                assert.ok(CHECKED_KINDS.has(kind), `${removal.apiVersion} ${kind}`);
                assert.ok(
                    !SUPPORTED_TYPES_BY_KIND.get(kind)?.includes(`kubernetes:${removal.apiVersion}:${kind}`),
                    `${removal.apiVersion} ${kind} is removed, not supported`,
                );
            }
        }
    });

    it("reads Patch and List suffixes only on kinds it checks", () => {
        assert.deepEqual(k8sTypeParts("kubernetes:apps/v1:DeploymentPatch"), {
            apiVersion: "apps/v1",
            kind: "Deployment",
            form: "patch",
        });
        assert.deepEqual(k8sTypeParts("kubernetes:core/v1:ServiceAccountList"), {
            apiVersion: "core/v1",
            kind: "ServiceAccount",
            form: "list",
        });
        assert.deepEqual(k8sTypeParts("kubernetes:example.org/v1:Checklist"), {
            apiVersion: "example.org/v1",
            kind: "Checklist",
            form: "object",
        });
        assert.equal(k8sTypeParts(K8S.Provider), undefined);
    });
});
