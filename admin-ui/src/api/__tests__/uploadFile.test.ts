import { describe, expect, it, vi } from "vitest";
import { HttpFailure } from "@/api/failures";
import { uploadFile, UploadAborted } from "@/api/uploadFile";
import { describeError } from "@/domain/describeError";
import { translator } from "@/i18n";
import { jsonResponse, stubFetch } from "@/test/fakeGateway";
import { stubXhrThroughFetch } from "./fakeXhr";

const csv = () => new File(["customer_email,customer_name\r\n"], "orders.csv", { type: "application/vnd.ms-excel" });

describe("uploadFile", () => {
  it("PUTs the bytes as text/csv (the gateway's CSRF rule for cookie uploads) and reads the stored upload", async () => {
    stubXhrThroughFetch();
    const fetchMock = stubFetch(() => jsonResponse({ id: "u-1", filename: "orders.csv", size: 30, checksum: "ab12" }, 201));
    const progress = vi.fn();
    const stored = await uploadFile("/uploads/u-1", csv(), { onProgress: progress });
    expect(stored).toEqual({ id: "u-1", filename: "orders.csv", size: 30, checksum: "ab12" });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(new URL(url).pathname).toBe("/uploads/u-1");
    expect(init.method).toBe("PUT");
    expect(init.headers).toMatchObject({ "content-type": "text/csv" });
    expect(init.body).toBeInstanceOf(Blob);
    expect(progress).toHaveBeenLastCalledWith(30, 30);
  });

  it("rejects with the gateway's errors, naming a service that is down where describeError reads it", async () => {
    stubXhrThroughFetch();
    stubFetch(() => jsonResponse({ errors: [{ message: "order service down", extensions: { code: "SERVICE_UNAVAILABLE", params: { service: "order" } } }] }, 502));
    const failure = await uploadFile("/uploads/u-2", csv()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect((failure as HttpFailure).status).toBe(502);
    expect(describeError(failure, translator("ja")).unavailableServices).toEqual(["order"]);
  });

  it("passes a refused upload's code through (409: the target already holds a file)", async () => {
    stubXhrThroughFetch();
    stubFetch(() => jsonResponse({ errors: [{ message: "Upload u-3 already holds a file", extensions: { code: "CONFLICT" } }] }, 409));
    const failure = (await uploadFile("/uploads/u-3", csv()).catch((e: unknown) => e)) as HttpFailure;
    expect(failure.code).toBe("CONFLICT");
    expect(describeError(failure, translator("en")).lines[0]?.detail).toBe("Upload u-3 already holds a file");
  });

  it("stops when its signal is aborted", async () => {
    stubXhrThroughFetch();
    stubFetch(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const pending = uploadFile("/uploads/u-4", csv(), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(UploadAborted);
  });
});
