// The parts of s3rver 3.7 (a test-only devDependency without its own types) the specs use.
declare module "s3rver" {
    import type { IncomingMessage, ServerResponse } from "node:http";
    import type { AddressInfo } from "node:net";

    interface S3rverOptions {
        address?: string;
        port?: number;
        silent?: boolean;
        directory: string;
        resetOnClose?: boolean;
        configureBuckets?: { name: string }[];
    }

    class S3rver {
        constructor(options: S3rverOptions);
        run(): Promise<AddressInfo>;
        close(): Promise<void>;
        callback(): (req: IncomingMessage, res: ServerResponse) => void;
    }
    export = S3rver;
}

declare module "s3rver/lib/models/account" {
    class AWSAccount {
        constructor(accountId: number, displayName: string);
        createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    }
    export = AWSAccount;
}
