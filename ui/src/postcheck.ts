// The post-exam check (考后核验) line on the chief examiner's screen, from the door's
// `postExamChecks`: "还有 N 张照片须在 4 月 18 日前完成核验" (English: "N photos still to check by
// 18 April"), or that every entry photo is checked. Pure, so vitest holds the wording.
import type { PhotoToCheck, PostExamChecks } from "./bindings";
import type { Key, Lang, Params } from "./i18n";

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** The deadline as each language writes it: "4 月 18 日", "18 April". */
export function deadlineText(checks: PostExamChecks, lang: Lang): string {
  const { deadline_month: month, deadline_day: day } = checks;
  if (lang === "zh") return `${month} 月 ${day} 日`;
  return `${day} ${MONTHS[month - 1] ?? String(month)}`;
}

/** The line's key and parameters for `checks`, in `lang`. */
export function postCheckLine(checks: PostExamChecks, lang: Lang): { key: Key; params: Params } {
  const n = checks.remaining.length;
  const params: Params = { n, date: deadlineText(checks, lang) };
  if (n === 0) return { key: "chief.postcheck.done", params };
  return { key: n === 1 ? "chief.postcheck.one" : "chief.postcheck.line", params };
}

/** How the candidate entered, as one line under their name. */
export function howEntered(p: PhotoToCheck): { key: Key; params: Params } {
  return p.manual
    ? { key: "chief.postcheck.how-manual", params: { file: p.photo_file ?? "" } }
    : { key: "chief.postcheck.how-recognition", params: {} };
}
