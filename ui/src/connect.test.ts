import { describe, expect, it } from "vitest";
import { ErrorCode, type ServerView } from "./bindings";
import { afterFrame, enrollErrorKey, roleKey, serverFacts } from "./connect";
import { translate } from "./i18n";

const view: ServerView = {
  url: "https://192.168.1.10:8740",
  urls: ["https://192.168.1.10:8740"],
  fingerprint: "AB12 CD34",
  site: "第一考点",
  room: null,
  role: "chief-examiner",
  staff: "C001",
  enrolled_at: "2026-11-29T09:00:00Z",
};

describe("the connect panel", () => {
  it("tells each enrollment failure apart by its code, in both languages", () => {
    const codes = [
      ErrorCode.BadEnrollCode,
      ErrorCode.EnrollCodeSpent,
      ErrorCode.ServerUnreachable,
      ErrorCode.CertificateMismatch,
      ErrorCode.ServerRefused,
      ErrorCode.NoQrCode,
      ErrorCode.NotEnrollQr,
    ];
    const keys = codes.map(enrollErrorKey);
    expect(new Set(keys).size).toBe(codes.length);
    for (const key of keys) {
      expect(key).not.toBeNull();
      expect(translate("zh", key!)).toMatch(/[\u4e00-\u9fff]/);
      expect(translate("en", key!)).toMatch(/^[\x20-\x7e’“”—…]+$/);
    }
    expect(enrollErrorKey(ErrorCode.Database)).toBeNull();
  });

  it("keeps scanning quietly until a QR code is in view, says what a foreign one is, stops on a failure", () => {
    expect(afterFrame(ErrorCode.NoQrCode)).toBe("quiet");
    expect(afterFrame(ErrorCode.NotEnrollQr)).toBe("say-and-go-on");
    expect(afterFrame(ErrorCode.Internal)).toBe("stop");
  });

  it("lists the server's facts with the grouped fingerprint and a chief's whole site", () => {
    const facts = serverFacts(view, (r) => r ?? "全考点", (r) => translate("zh", roleKey(r)));
    expect(facts.map(([k]) => k)).toEqual([
      "server.site", "server.room", "server.role", "server.staff", "server.url", "server.fingerprint",
    ]);
    const value = Object.fromEntries(facts);
    expect(value["server.room"]).toBe("全考点");
    expect(value["server.role"]).toBe("主考");
    expect(value["server.fingerprint"]).toBe("AB12 CD34");
  });
});
