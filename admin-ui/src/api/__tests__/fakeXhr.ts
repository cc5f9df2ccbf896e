/**
 * A stand-in for XMLHttpRequest that sends through `fetch`, so an upload reaches the same stubbed
 * gateway (`stubFetch`) as the GraphQL calls and shows up in order among its calls, with its
 * method, headers and body. Upload progress is reported once, when the body has "left".
 */
import { vi } from "vitest";

type Handler = ((this: XMLHttpRequest, ev: ProgressEvent) => unknown) | null;

class FakeXhr {
  status = 0;
  responseText = "";
  onload: Handler = null;
  onerror: Handler = null;
  ontimeout: Handler = null;
  onabort: Handler = null;
  readonly upload: { onprogress: Handler } = { onprogress: null };
  private method = "GET";
  private url = "";
  private headers: Record<string, string> = {};
  private aborted = false;

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }

  abort() {
    this.aborted = true;
    this.onabort?.call(this as unknown as XMLHttpRequest, new ProgressEvent("abort"));
  }

  send(body: Blob) {
    void (async () => {
      let res: Response;
      try {
        res = await fetch(new URL(this.url, "http://ui.test").href, { method: this.method, headers: this.headers, body, credentials: "same-origin" });
      } catch {
        if (!this.aborted) this.onerror?.call(this as unknown as XMLHttpRequest, new ProgressEvent("error"));
        return;
      }
      if (this.aborted) return;
      this.upload.onprogress?.call(this as unknown as XMLHttpRequest, new ProgressEvent("progress", { lengthComputable: true, loaded: body.size, total: body.size }));
      this.status = res.status;
      this.responseText = await res.text();
      this.onload?.call(this as unknown as XMLHttpRequest, new ProgressEvent("load"));
    })();
  }
}

/** Replaces XMLHttpRequest for the test (undone by `unstubGlobals`). */
export function stubXhrThroughFetch(): void {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
}
