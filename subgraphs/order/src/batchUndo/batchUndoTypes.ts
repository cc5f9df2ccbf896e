/** The shapes an undo of an import batch shares between the GraphQL layer and the worker. */
import type { JobStatus } from "../jobs/jobTypes.js";

export type UndoStatus = Exclude<JobStatus, "completed_with_errors">;

/**
 * Why an undo ended as it did, as a stable code next to its English `message`:
 * CANCELLED_BEFORE_START, CANCELLED_BY_OPERATOR {done, total}, UNDO_CRASHED {attempts, cause,
 * detail}, INTERNAL_ERROR.
 */
export type UndoMessageCode = "CANCELLED_BEFORE_START" | "CANCELLED_BY_OPERATOR" | "UNDO_CRASHED" | "INTERNAL_ERROR";

/** Orders cancelled per transaction: each chunk commits its moves, history, events and progress together. */
export const UNDO_CHUNK = 2_000;

/** The longest reason accepted: it is written into every cancelled order's history. */
export const MAX_UNDO_REASON_LENGTH = 500;
