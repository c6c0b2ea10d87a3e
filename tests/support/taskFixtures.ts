/** A valid task's arguments, shared by the taskSpec and OneShotJob specs. */
import { TaskArgs } from "../../components/k8s/taskSpec";

/** A valid task's arguments (the object store's bucket job); each bad-input case mutates one thing. */
export function validTask(overrides: Partial<TaskArgs> = {}): TaskArgs {
    return {
        task: "buckets",
        network: "testnet",
        namespace: "messaging-testnet",
        component: "object-store",
        image: "registry.example.org/mirror/minio-mc:RELEASE.2025-08-13T08-35-41Z",
        command: ["mc"],
        args: ["mb", "--ignore-existing", "local/voice-messages"],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
        secretEnv: [{ envName: "MC_HOST_local", secret: { name: "object-store-secrets", key: "mc-host-local" } }],
        activeDeadlineSeconds: 600,
        ...overrides,
    };
}
