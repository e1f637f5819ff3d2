// Connecting to the site server, as data: what the connect panel says for each way an
// enrollment or a QR read can fail, what a camera scan does after each frame, and how a server
// view reads (role, room). The panel (screens/connect.ts) only draws this. Rust decides
// everything else: it parses the code, decodes the QR code and enrolls.
import { ErrorCode, type Role, type ServerView } from "./bindings";
import type { Key } from "./i18n";

/** The hint for a failure talking to the site server, whatever was asked of it (connecting,
 * syncing); null: not such a failure. */
export function serverErrorKey(code: ErrorCode): Key | null {
  switch (code) {
    case ErrorCode.ServerUnreachable:
      return "connect.err.unreachable";
    case ErrorCode.CertificateMismatch:
      return "connect.err.certificate";
    case ErrorCode.ServerRefused:
      return "connect.err.refused";
    default:
      return null;
  }
}

/** The hint the panel shows above Rust's own message for a failed connection or QR read;
 * null: Rust's message says it all. */
export function enrollErrorKey(code: ErrorCode): Key | null {
  switch (code) {
    case ErrorCode.BadEnrollCode:
      return "connect.err.bad-code";
    case ErrorCode.EnrollCodeSpent:
      return "connect.err.spent";
    case ErrorCode.NoQrCode:
      return "connect.err.no-qr";
    case ErrorCode.NotEnrollQr:
      return "connect.err.not-enroll-qr";
    default:
      return serverErrorKey(code);
  }
}

/** After a camera frame was read: keep scanning quietly (nothing in view yet), keep scanning
 * but say what was seen (a QR code, but not ours), or stop and say why (the camera or Rust failed). */
export type ScanStep = "quiet" | "say-and-go-on" | "stop";

export function afterFrame(code: ErrorCode): ScanStep {
  switch (code) {
    case ErrorCode.NoQrCode:
    case ErrorCode.TooSmall:
      return "quiet";
    case ErrorCode.NotEnrollQr:
    case ErrorCode.BadEnrollCode:
      return "say-and-go-on";
    default:
      return "stop";
  }
}

export function roleKey(role: Role): Key {
  return role === "chief-examiner" ? "server.role-chief" : "server.role-proctor";
}

/** The facts Settings and the Start screen list about the server, in order: [label key, value]. */
export function serverFacts(s: ServerView, room: (r: string | null) => string, role: (r: Role) => string): Array<[Key, string]> {
  return [
    ["server.site", s.site],
    ["server.room", room(s.room)],
    ["server.role", role(s.role)],
    ["server.staff", s.staff],
    ["server.url", s.url],
    ["server.fingerprint", s.fingerprint],
  ];
}
