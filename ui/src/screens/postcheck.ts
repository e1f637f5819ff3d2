// The post-exam check (考后核验, #chief-postcheck) on the chief examiner's screen: the line "还有 N
// 张照片须在 4 月 18 日前完成核验" and the entry photos still to check, each with a big 已核验
// button the chief presses once the photo is checked on the platform. Its own module beside the
// overview: it reads the sitting the overview's selector shows and refreshes on the same events.
import { api, type PostExamChecks } from "../ipc";
import { $, h, say, sayError } from "../dom";
import { lang, t } from "../i18n";
import { isChief } from "../chief";
import { howEntered, postCheckLine } from "../postcheck";
import { app, on } from "../state";
import { currentServer } from "./connect";

/** A fallback while the screen is open, as the overview's (a local read). */
const POLL_MS = 15_000;

let checks: PostExamChecks | null = null;
let asked = 0;
let busy = false;

const msg = () => $("#chief-postcheck-message");

export function initPostCheck(): void {
  $<HTMLSelectElement>("#chief-sitting").addEventListener("change", () => void refresh());
  $("#chief-postcheck-list").addEventListener("click", (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLElement>(".postcheck-mark");
    const student = button?.closest<HTMLElement>(".postcheck-item")?.dataset.student;
    if (student) void mark(student);
  });
  const again = () => {
    if (app.screen === "chief") void refresh();
  };
  on("screen", again);
  on("changed", again);
  on("server", again);
  on("acted", again);
  on("lang", render);
  // The overview fills the sitting selector once the sittings are read (setting its value
  // fires no change event): read the list when the options arrive.
  new MutationObserver(again).observe($("#chief-sitting"), { childList: true });
  setInterval(again, POLL_MS);
}

async function refresh(): Promise<void> {
  const sitting = $<HTMLSelectElement>("#chief-sitting").value;
  if (!sitting || !isChief(currentServer())) {
    checks = null;
    render();
    return;
  }
  const n = ++asked;
  try {
    const fresh = await api.postExamChecks(sitting);
    if (n !== asked) return;
    checks = fresh;
    render();
  } catch (e) {
    if (n === asked) sayError(msg(), e);
  }
}

async function mark(student: string): Promise<void> {
  if (busy || !checks) return;
  const item = checks.remaining.find((p) => p.student_number === student);
  busy = true;
  render();
  try {
    checks = await api.markPostExamChecked(checks.sitting, student);
    say(msg(), "ok", t("chief.postcheck.marked", { name: item?.name ?? student }));
  } catch (e) {
    sayError(msg(), e);
  } finally {
    busy = false;
    render();
  }
}

function render(): void {
  const section = $("#chief-postcheck");
  section.hidden = checks === null;
  const list = $("#chief-postcheck-list");
  if (!checks) {
    list.replaceChildren();
    return;
  }
  const line = postCheckLine(checks, lang());
  const head = $("#chief-postcheck-line");
  head.textContent = t(line.key, line.params);
  head.dataset.remaining = String(checks.remaining.length);
  list.dataset.count = String(checks.remaining.length);
  list.replaceChildren(
    ...checks.remaining.map((p) => {
      const how = howEntered(p);
      return h("li", { class: "postcheck-item", "data-student": p.student_number, "data-room": p.room },
        h("p", { class: "postcheck-who" },
          h("strong", {}, p.name), " ", t("chief.where", { room: p.room, seat: p.seat }), h("br"),
          h("span", { class: "mono" }, t("chief.student", { student: p.student_number })), h("br"),
          h("span", {}, t(how.key, how.params))),
        h("button", { class: "btn btn-primary btn-tall postcheck-mark", type: "button", disabled: busy },
          t("chief.postcheck.mark")));
    }),
  );
}
