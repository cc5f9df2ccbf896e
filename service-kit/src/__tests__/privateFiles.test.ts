import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makePrivateDir, sqliteFiles, tightenFiles, tightenFilesIn } from "../privateFiles.js";
import { tempDir } from "../testing/freshDatabase.js";

const world = tempDir();
afterAll(() => world.cleanup());
const mode = (file: string) => fs.statSync(file).mode & 0o777;

function file(name: string, fileMode: number): string {
  const p = path.join(world.dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "x");
  fs.chmodSync(p, fileMode);
  return p;
}

describe("private files", () => {
  it("takes group and other permissions away, keeps the owner's, skips missing and private files", () => {
    const shared = file("shop.db", 0o644);
    const writable = file("shop.db-wal", 0o666);
    const executable = file("tool", 0o755);
    const mine = file("shop.db-shm", 0o600);
    const result = tightenFiles([...sqliteFiles(path.join(world.dir, "shop.db")), executable]);
    expect(result).toEqual({ changed: [shared, writable, executable], failed: [] });
    expect([shared, writable, mine].map(mode)).toEqual([0o600, 0o600, 0o600]);
    expect(mode(executable)).toBe(0o700);
  });

  it("tightens the files directly inside a folder, and nothing when it is missing", () => {
    const a = file("uploads/a.csv", 0o644);
    const b = file("uploads/a.json", 0o640);
    fs.mkdirSync(path.join(world.dir, "uploads", "sub"));
    expect(tightenFilesIn(path.join(world.dir, "uploads")).changed.sort()).toEqual([a, b].sort());
    expect(tightenFilesIn(path.join(world.dir, "nowhere"))).toEqual({ changed: [], failed: [] });
  });

  it("creates missing folders owner-only, whatever the umask", () => {
    const dir = path.join(world.dir, "data", "outbox");
    makePrivateDir(dir);
    expect([mode(path.join(world.dir, "data")), mode(dir)]).toEqual([0o700, 0o700]);
  });
});
