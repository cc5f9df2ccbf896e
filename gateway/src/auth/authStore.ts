/**
 * The auth database as the gateway and the account scripts open it: migrated (the identity tier
 * owns it; replicas starting together migrate once), then any users file of an earlier version
 * imported once.
 */
import { openAuthDatabase, type AuthDb, type Logger } from "@ops/service-kit";
import { migrate, type DatabaseTarget } from "@ops/service-kit/data";
import { importUsersFile } from "./usersFile.js";

/** Migrates and opens the auth database at `target`, importing `usersFile` when it exists. */
export async function prepareAuthDatabase(target: DatabaseTarget, usersFile: string, logger?: Logger): Promise<AuthDb> {
  await migrate("auth", target);
  const database = await openAuthDatabase(target);
  try {
    await importUsersFile(database, usersFile, logger);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}
