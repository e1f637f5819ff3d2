// A real site server for the e2e tests, as the site office runs it: `examgate serve` on loopback
// (port picked by the OS, read from its `listening on` line), the demo written into its database
// with `examgate demo --db DIR/site.db` while it runs, and one-time codes from
// `examgate serve enroll`. The CLI binary comes from tests/e2e/run.sh (E2E_EXAMGATE_BINARY).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const START_TIMEOUT_MS = 30_000;

function examgateBinary() {
  const bin = process.env.E2E_EXAMGATE_BINARY;
  if (!bin) throw new Error("E2E_EXAMGATE_BINARY is not set: run the e2e tests through tests/e2e/run.sh");
  return bin;
}

/** Runs `examgate ARGS…` to completion and returns its standard output. */
export function examgate(args) {
  return execFileSync(examgateBinary(), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Starts `examgate serve --data <work>/<name>/server --listen 127.0.0.1:0`; resolves to
 * `{ data, url, fingerprint, grouped, stop() }` once it listens.
 */
export async function startServer(name) {
  const work = process.env.E2E_WORK;
  if (!work) throw new Error("E2E_WORK is not set: run the e2e tests through tests/e2e/run.sh");
  const data = join(work, name, "server");
  mkdirSync(join(work, name), { recursive: true });
  const child = spawn(examgateBinary(), ["serve", "--data", data, "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  const seen = {};
  const lines = createInterface({ input: child.stdout });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`examgate serve printed no listening line in ${START_TIMEOUT_MS} ms: ${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`examgate serve exited (${code}) before listening: ${stderr}`));
      });
      lines.on("line", (line) => {
        const fp = /^证书指纹 \(certificate fingerprint\): ([0-9a-f]{64})$/.exec(line);
        if (fp) seen.fingerprint = fp[1];
        const grouped = /\): ((?:[0-9A-F]{4} ){15}[0-9A-F]{4})$/.exec(line);
        if (grouped) seen.grouped = grouped[1];
        const url = /^listening on (https:\/\/\S+)$/.exec(line);
        if (url) {
          clearTimeout(timer);
          seen.url = url[1];
          resolve();
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { data, ...seen, stop };
}

/** `examgate serve enroll` for a proctor of `site` room `room`: the code's text line (EG1:…). */
export function issueCode(server, { site, room, staff, role = "proctor" }) {
  const args = ["serve", "enroll", "--data", server.data, "--site", site, "--role", role, "--staff", staff, "--url", server.url];
  if (room) args.push("--room", room);
  const out = examgate(args);
  const line = out.split("\n").find((l) => l.startsWith("EG1:"));
  if (!line) throw new Error(`examgate serve enroll printed no code: ${out}`);
  return line.trim();
}

/** `examgate serve chief-pin --pin-stdin`: the office sets the chief examiner's PIN at the server;
 * the site's devices get it with their next catalogue. */
export function setChiefPin(server, staff, pin) {
  return execFileSync(examgateBinary(), ["serve", "chief-pin", "--data", server.data, "--staff", staff, "--pin-stdin"], {
    encoding: "utf8",
    input: `${pin}\n`,
    stdio: ["pipe", "pipe", "pipe"],
  });
}
