/**
 * The text rule lives in `@ops/rules` (text.ts) with the other rules the admin UI shares; the
 * services and the import worker keep reaching it here, as before.
 */
export { checkText, describeTextProblem, findLoneSurrogate, findTextProblem, unicodeLabel, type TextCheck, type TextKind, type TextProblem, type TextProblemReason } from "@ops/rules";
