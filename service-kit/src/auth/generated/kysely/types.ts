import type { ColumnType } from "kysely";
export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type RateLimit = {
    key: string;
    points: Generated<number>;
    /**
     * Milliseconds since the epoch.
     */
    expire: number | null;
};
export type SessionRevocation = {
    id: Generated<number>;
    username: string;
    jti: string | null;
    below_generation: number | null;
    /**
     * logout, password_changed, password_reset, user_removed.
     */
    reason: string;
    created_at: string;
    /**
     * After this the tokens it names have expired anyway: the row is pruned.
     */
    expires_at: string;
};
export type User = {
    username: string;
    role: string;
    /**
     * argon2id PHC string.
     */
    password_hash: string;
    must_change_password: number;
    /**
     * Carried by every token issued to the user; a password change raises it, and tokens with a
     * lower generation are refused (session_revocations tells every process).
     */
    token_generation: Generated<number>;
    created_at: string;
    updated_at: string;
    password_changed_at: string | null;
};
export type DB = {
    rate_limits: RateLimit;
    session_revocations: SessionRevocation;
    users: User;
};
