/**
 * Staged uploads (like Shopify's): the client asks for an upload target with GraphQL
 * (`createImportUpload`), sends the file over plain HTTP (`PUT /uploads/:id`, streamed to storage
 * with its SHA-256 computed on the way), then starts the import with the upload's id. No
 * multi-megabyte GraphQL strings.
 *
 * A target belongs to the identity that created it, takes exactly one file (the first PUT claims
 * it; any other gets CONFLICT at once) and expires; a file no import used is removed after its
 * expiry. This is the contract; `uploadStore.ts` keeps the targets in the database and the files
 * where `uploadFiles.ts` puts them: in the database on PostgreSQL (every replica reads them), on
 * the service's disk on SQLite.
 */
import type { Readable } from "node:stream";
import type { Identity } from "@ops/service-kit";

export type UploadState = "open" | "receiving" | "complete" | "expired";

/** One upload target, as stored. */
export interface Upload {
  id: string;
  filename: string;
  /** `<kind>:<name>` of its creator (see {@link ownerOf}). */
  createdBy: string;
  createdAt: Date;
  /** Open: the file must arrive before. Complete and not imported: the file is removed after. */
  expiresAt: Date;
  state: UploadState;
  size: number | null;
  checksum: string | null;
  /** Where the file is stored: `db:<id>` in the database, or a path on disk (uploadFiles.ts). */
  path: string | null;
  /** When a real (not dry-run) import first used the file: it is kept from then on. */
  importedAt: Date | null;
}

/** A complete upload: its file is stored. */
export type StoredUpload = Upload & { size: number; checksum: string; path: string };

/** What the PUT answers: the stored bytes' size and SHA-256. */
export interface ReceivedFile {
  id: string;
  filename: string;
  size: number;
  checksum: string;
}

export interface UploadLimits {
  /** The largest file, in bytes. */
  maxBytes: number;
  /** Targets one identity may hold open (created, no file yet). */
  maxOpenUploads: number;
  /** Bytes of stored files one identity may keep that no import has used. */
  maxPendingBytes: number;
  /** How long a target waits for its file, and a file for its import. */
  ttlMs: number;
}

export interface SweepResult {
  expiredTargets: number;
  removedFiles: number;
  removedBytes: number;
}

export interface UploadStore {
  readonly limits: UploadLimits;
  /** A new open target for `identity`; CONFLICT `{ limit, max }` beyond its quotas. */
  create(filename: string, identity: Identity): Promise<Upload>;
  /**
   * Stores the file of target `id` from `body` (`declaredLength`: the Content-Length, if any).
   * Exactly one caller claims an open target; refusals are AppErrors whose `http.status` (or
   * code) says the answer: 404 unknown or someone else's, 409 claimed or complete, 410 expired,
   * 413 too large, 409 over the bytes quota, 400 empty or interrupted.
   */
  receive(id: string, identity: Identity, body: Readable, declaredLength: number | null): Promise<ReceivedFile>;
  /** The complete upload of `identity` an import would read; NOT_FOUND or CONFLICT naming `field`. */
  get(id: string, identity: Identity, field: string): Promise<StoredUpload>;
  /** Marks the file as used by a real import (kept from now on); CONFLICT when it expired meanwhile. */
  markImported(upload: StoredUpload, field: string): Promise<void>;
  /** Expires targets past their time and removes files no import used; returns what it did. */
  sweep(now?: Date): Promise<SweepResult>;
  /** At start: reopens targets a crash left receiving, removes partial and legacy files, sweeps. */
  recover(): Promise<SweepResult>;
}

/** The owner key of an identity: a user and an API key of the same name are different owners. */
export function ownerOf(identity: Identity): string {
  return `${identity.kind}:${identity.name}`;
}

/** Upload ids are UUIDs (crypto.randomUUID). */
export const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
