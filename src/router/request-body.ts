/**
 * Reading a client's request body: its start buffered before the first attempt (so a failed
 * attempt can be replayed elsewhere), the rest streamed to the one attempt that gets it.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { rawHeader } from "./forward-headers.js";
import type { Body } from "./upstream.js";

/** Request bodies up to this size are buffered so the request can be replayed on another target. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

const NO_BODY: Body = { chunks: [], complete: true, hasBody: false, length: 0 };

/** Reads up to `limit` bytes of the body; resolves early (stream paused) when the body is larger. */
export function bufferBody(req: IncomingMessage, limit: number): Promise<Body> {
  const length = rawHeader(req.rawHeaders, "content-length");
  const hasBody = (length !== undefined && length !== "0") || rawHeader(req.rawHeaders, "transfer-encoding") !== undefined;
  if (!hasBody) return Promise.resolve(NO_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onClose);
      if (!complete) req.pause();
      resolve({ chunks, complete, hasBody, length: size });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) done(false);
    };
    const onEnd = () => done(true);
    const onClose = () => reject(new Error("client closed the request before its body was read"));
    req.on("data", onData).on("end", onEnd).on("close", onClose).on("error", onClose);
  });
}

/**
 * The buffered start of a body larger than the buffer, then the rest of the client's body.
 * Nothing is read from the client until the consumer first reads (`onFirstRead` tells when:
 * from then on the body cannot be sent again). Destroying the stream leaves the client's
 * request alone, so the client can still be answered.
 */
export function bodyStream(req: IncomingMessage, body: Body, onFirstRead: () => void): Readable {
  let next = 0;
  let reading = false;
  let attached = false;
  const onData = (chunk: Buffer) => {
    if (!out.push(chunk)) req.pause();
  };
  const onEnd = () => out.push(null);
  const onError = (err: Error) => out.destroy(err);
  const out = new Readable({
    read() {
      if (!reading) {
        reading = true;
        onFirstRead();
      }
      if (next < body.chunks.length) {
        this.push(body.chunks[next++]);
        return;
      }
      if (!attached) {
        attached = true;
        req.on("data", onData).on("end", onEnd).on("error", onError);
      }
      req.resume();
    },
    destroy(err, callback) {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      req.pause();
      callback(err);
    },
  });
  return out;
}
