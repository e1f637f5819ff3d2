// The room's day on the chief examiner's overview: each room's latest 30-minute count check
// (platform sign-ins against the real count, and the difference) and its violations as last
// edited, read from the same synced log as the door's screens.
import type { RoomCounts } from "../ipc";
import { h } from "../dom";
import { t } from "../i18n";
import { differenceLine, hhmmOf } from "../countcheck";

/** The count check and violations of room `r`, for its tile. */
export function roomDay(r: RoomCounts): HTMLElement {
  const c = r.count_check;
  const diff = c ? differenceLine({ ...c, not_passed: [], unexplained: 0, photos_missing: 0 }) : null;
  return h("div", { class: "chief-room-day" },
    h("p", { class: "chief-present", "data-n": r.present }, t("chief.present", { n: r.present })),
    h("p", { class: "chief-closed", "data-closed": String(r.closed_by !== null) },
      r.closed_by !== null ? t("chief.closed", { by: r.closed_by }) : t("chief.not-closed")),
    h("p", {
      class: "chief-count-check", "data-checked": String(c !== null),
      "data-platform": c?.platform_count, "data-real": c?.real_count, "data-difference": c?.difference,
    },
      c ? `${t("chief.count-check", { platform: c.platform_count, real: c.real_count })} · ${diff ? t(diff.key, diff.params) : ""} · ${hhmmOf(c.at)}`
        : t("chief.count-check-none")),
    h("p", { class: "chief-violations", "data-n": r.violations.length }, t("chief.violations", { n: r.violations.length })),
    r.violations.length
      ? h("ul", { class: "chief-violation-list" },
          ...r.violations.map((v) => h("li", { "data-student": v.student, "data-marked": String(v.violation.platform_marked) },
            `${v.seat} · ${v.name} · ${t(`violation.kind.${v.violation.category}`)} · ${v.violation.what} · ${t(v.violation.platform_marked ? "violation.marked" : "violation.unmarked")}`)))
      : null,
  );
}
