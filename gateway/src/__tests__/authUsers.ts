/** Reading the auth database's users in tests, as the gateway stores them. */
import { openAuthDatabase } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { listUsers, type UserRecord } from "../auth/userStore.js";

/** Every user in the auth database at `target`, by name. */
export async function usersIn(target: DatabaseTarget): Promise<UserRecord[]> {
  const database = await openAuthDatabase(target, { poolSize: 1 });
  try {
    return await listUsers(database);
  } finally {
    await database.close();
  }
}
