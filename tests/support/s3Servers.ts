/**
 * Local S3 servers for the backup-script specs: s3rver (a real S3 HTTP implementation on the
 * filesystem), on 127.0.0.1 only, behind a gateway that plays IAM. Scripts talk to the gateway,
 * which answers AccessDenied to any request its policy does not allow (by the request's access
 * key, as IAM would by role) and records every request. The spec itself seeds, inspects and
 * corrupts objects through a second, unpoliced listener. s3rver does not check SigV4 signatures,
 * so the gateway checks which access key signed, not the signature.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";
import AWSAccount from "s3rver/lib/models/account";

export interface S3Request {
    method: string;
    accessKeyId: string | undefined;
    bucket: string | undefined;
    key: string | undefined;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
}

export interface RecordedRequest {
    accessKeyId: string | undefined;
    method: string;
    bucket: string | undefined;
    key: string | undefined;
    query: string;
    denied: string | undefined;
}

/** Returns why a request is denied, or undefined when it is allowed. */
export type S3Policy = (request: S3Request) => string | undefined;

let accountIds = 100;

/** Makes an access key known to every s3rver in this process (the gateway decides what it may do). */
export function registerAccessKey(accessKeyId: string, secretAccessKey: string): void {
    new AWSAccount(accountIds++, accessKeyId).createKeyPair(accessKeyId, secretAccessKey);
}

function parse(req: http.IncomingMessage): S3Request {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, bucket, ...rest] = url.pathname.split("/");
    const key = rest.length > 0 ? decodeURIComponent(rest.join("/")) : undefined;
    const credential = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? "");
    return {
        method: req.method ?? "GET",
        accessKeyId: credential?.[1],
        bucket: bucket ? decodeURIComponent(bucket) : undefined,
        key: key === "" ? undefined : key,
        query: url.searchParams,
        headers: req.headers,
    };
}

function listen(server: http.Server): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
}

export class PolicedS3 {
    private constructor(
        private readonly s3rver: S3rver,
        private readonly gateway: http.Server,
        /** The policed endpoint, for the scripts. */
        readonly endpoint: string,
        /** The unpoliced endpoint, for the spec. */
        readonly direct: string,
        /** Every request the gateway saw, in order. */
        readonly requests: RecordedRequest[],
    ) {}

    static async start(directory: string, buckets: string[], policy: S3Policy): Promise<PolicedS3> {
        const s3rver = new S3rver({
            address: "127.0.0.1",
            port: 0,
            silent: true,
            directory,
            configureBuckets: buckets.map((name) => ({ name })),
        });
        const direct = await s3rver.run();
        const serve = s3rver.callback();
        const requests: RecordedRequest[] = [];
        const gateway = http.createServer((req, res) => {
            const request = parse(req);
            const denied = policy(request);
            requests.push({
                accessKeyId: request.accessKeyId,
                method: request.method,
                bucket: request.bucket,
                key: request.key,
                query: request.query.toString(),
                denied,
            });
            if (denied === undefined) return serve(req, res);
            req.resume();
            req.on("end", () => {
                res.writeHead(403, { "content-type": "application/xml" });
                res.end(
                    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${denied}</Message></Error>`,
                );
            });
        });
        const port = await listen(gateway);
        return new PolicedS3(s3rver, gateway, `http://127.0.0.1:${port}`, `http://127.0.0.1:${direct.port}`, requests);
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => this.gateway.close(() => resolve()));
        await this.s3rver.close();
    }

    /** The recorded requests since `from` (an index into `requests`). */
    since(from: number): RecordedRequest[] {
        return this.requests.slice(from);
    }

    private url(bucket: string, key?: string): string {
        const path = key === undefined ? "" : `/${key.split("/").map(encodeURIComponent).join("/")}`;
        return `${this.direct}/${encodeURIComponent(bucket)}${path}`;
    }

    async put(bucket: string, key: string, body: Buffer): Promise<void> {
        const res = await fetch(this.url(bucket, key), { method: "PUT", body });
        if (!res.ok) throw new Error(`PUT ${bucket}/${key}: ${res.status} ${await res.text()}`);
    }

    async get(bucket: string, key: string): Promise<Buffer> {
        const res = await fetch(this.url(bucket, key));
        if (!res.ok) throw new Error(`GET ${bucket}/${key}: ${res.status} ${await res.text()}`);
        return Buffer.from(await res.arrayBuffer());
    }

    async buckets(): Promise<string[]> {
        const res = await fetch(`${this.direct}/`);
        return [...(await res.text()).matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => unescapeXml(m[1])).sort();
    }

    /** Every key of a bucket with its size, sorted (one page is enough for these specs). */
    async objects(bucket: string, prefix = ""): Promise<Map<string, number>> {
        const res = await fetch(`${this.url(bucket)}?list-type=2&max-keys=1000&prefix=${encodeURIComponent(prefix)}`);
        const xml = await res.text();
        if (!res.ok) throw new Error(`LIST ${bucket}: ${res.status} ${xml}`);
        if (xml.includes("<IsTruncated>true</IsTruncated>")) throw new Error(`LIST ${bucket}: more than one page`);
        const entries = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => {
            const key = unescapeXml(/<Key>([^<]*)<\/Key>/.exec(m[1])?.[1] ?? "");
            const size = Number(/<Size>(\d+)<\/Size>/.exec(m[1])?.[1]);
            return [key, size] as const;
        });
        return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
}

function unescapeXml(text: string): string {
    return text
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#x27;|&#39;|&apos;/g, "'")
        .replace(/&amp;/g, "&");
}

/** Who may do what in the backup bucket: one backup role (put only) and one restore role per store prefix. */
export interface BackupRoles {
    bucket: string;
    kmsKeyArn: string;
    /** access key id -> what the role may do, under which prefix */
    roles: Record<string, { can: "put" | "read"; prefix: string }>;
}

const LIST_PARAMETERS = new Set([
    "list-type",
    "prefix",
    "delimiter",
    "encoding-type",
    "max-keys",
    "continuation-token",
    "start-after",
]);

/**
 * The backup bucket's IAM as the platform grants it: the backup role may only PutObject under its
 * prefix (with SSE-KMS under the network key: the bucket policy's demand), the restore role may
 * ListBucket with an `s3:prefix` of `<prefix>/*` and GetObject under its prefix. Nothing else.
 */
export function backupBucketPolicy(grants: BackupRoles): S3Policy {
    return (r) => {
        const role = r.accessKeyId === undefined ? undefined : grants.roles[r.accessKeyId];
        if (!role) return `no role for access key ${r.accessKeyId ?? "(unsigned)"}`;
        if (r.bucket !== grants.bucket) return `not the backup bucket: ${r.bucket ?? "ListAllMyBuckets"}`;
        const under = (key: string) => key.startsWith(`${role.prefix}/`) && key.length > role.prefix.length + 1;
        const sse = () =>
            r.headers["x-amz-server-side-encryption"] === "aws:kms" &&
            r.headers["x-amz-server-side-encryption-aws-kms-key-id"] === grants.kmsKeyArn
                ? undefined
                : `put of ${r.key} without SSE-KMS under ${grants.kmsKeyArn}`;
        if (role.can === "put") {
            if (r.key === undefined) return `${r.method} on the bucket: the backup role may only put objects`;
            if (!under(r.key)) return `put of ${r.key}: outside ${role.prefix}/`;
            if (r.method === "PUT" && r.headers["x-amz-copy-source"] === undefined) {
                return r.query.has("uploadId") ? undefined : sse(); // UploadPart, or PutObject
            }
            if (r.method === "POST" && r.query.has("uploads")) return sse(); // CreateMultipartUpload
            if (r.method === "POST" && r.query.has("uploadId")) return undefined; // CompleteMultipartUpload
            return `${r.method} ${r.key}: the backup role may only put objects`;
        }
        if (r.key === undefined) {
            const onlyListing = r.method === "GET" && [...r.query.keys()].every((p) => LIST_PARAMETERS.has(p));
            const prefix = r.query.get("prefix") ?? "";
            if (onlyListing && prefix.startsWith(`${role.prefix}/`)) return undefined;
            return `${r.method} on the bucket with prefix '${prefix}': the restore role may only list under ${role.prefix}/`;
        }
        if ((r.method === "GET" || r.method === "HEAD") && [...r.query.keys()].length === 0 && under(r.key)) {
            return undefined;
        }
        return `${r.method} ${r.key}: the restore role may only get objects under ${role.prefix}/`;
    };
}

/** The object store: its root user may do anything; no other key is known to it. */
export function objectStorePolicy(accessKeyId: string): S3Policy {
    return (r) =>
        r.accessKeyId === accessKeyId ? undefined : `access key ${r.accessKeyId ?? "(unsigned)"} is not the store's`;
}
