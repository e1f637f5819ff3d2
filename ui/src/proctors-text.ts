// The words of the timeline strip and the 监考签到 panel, Simplified Chinese first and English
// second, in a table of their own beside i18n.ts (which every screen shares): keys are typed the
// same way, and the language is the one i18n.ts holds.
import { lang, type Params } from "./i18n";
import type { StepState, TimelineStep } from "./bindings";

const TEXT = {
  "tl.title": { zh: "考场流程", en: "Room timeline" },
  "tl.step.staff-in-room": { zh: "考前60分钟：考务人员到场，开启电脑和监控", en: "T−60: staff in the room, computers and cameras on" },
  "tl.step.notice": { zh: "考前30分钟：张贴并宣读考场特别提示，开始录像", en: "T−30: post and read the special notice (考场特别提示); recording on" },
  "tl.step.start": { zh: "开考", en: "Start" },
  "tl.step.late-cutoff": { zh: "开考30分钟：停止入场，核对签到人数", en: "T+30: entry closes; check the sign-in count" },
  "tl.step.end": { zh: "考试结束", en: "End of the exam" },
  "tl.step.recording-may-stop": { zh: "考后30分钟：可停止录像", en: "End+30: recording may stop" },
  "tl.state.missed": { zh: "已错过", en: "Missed" },
  "tl.state.due": { zh: "现在", en: "Now" },
  "tl.state.next": { zh: "下一步", en: "Next" },
  "tl.state.later": { zh: "稍后", en: "Later" },
  "tl.state.done": { zh: "已完成", en: "Done" },
  "tl.tick": { zh: "完成 ✓", en: "Done ✓" },
  "tl.done-by": { zh: "✓ {who} 于 {time} 完成", en: "✓ {who} at {time}" },
  "tl.ticked": { zh: "已记录：{step}", en: "Recorded: {step}" },

  "pr.title": { zh: "监考签到", en: "Proctors present" },
  "pr.count": { zh: "{seats} 座考场需监考 {needed} 人，已到 {counted} 人", en: "{seats} seats need {needed} proctors; {counted} present" },
  "pr.short": { zh: "监考人数不足：还差 {short} 人（未经主考批准的替补不计入）", en: "Short of proctors: {short} more needed (substitutes not approved by the chief examiner do not count)" },
  "pr.roster": { zh: "本考场监考名单", en: "This room's roster" },
  "pr.present": { zh: "已签到", en: "Present" },
  "pr.absent": { zh: "未签到", en: "Not signed in" },
  "pr.substitutes": { zh: "替补监考", en: "Substitutes" },
  "pr.sub-waiting": { zh: "替补，待主考批准", en: "Substitute: awaiting the chief examiner" },
  "pr.sub-approved": { zh: "替补，主考 {who} 已批准", en: "Substitute, approved by chief examiner {who}" },
  "pr.provincial": {
    zh: "考前 48 小时内更换监考须报省校考务科批准，且须在开考前 2 小时（{deadline}）前批准。本替补签到时已过该时限。",
    en: "A proctor change within 48 h of the exam needs the provincial office's approval, given by 2 h before the start ({deadline}). This substitute signed in after that.",
  },
  "pr.approve-open": { zh: "主考批准替补…", en: "Chief examiner: approve…" },
  "pr.approve-title": { zh: "主考批准替补监考：{name}（{id}）", en: "Chief examiner approves the substitute {name} ({id})" },
  "pr.approve-who": { zh: "请主考本人输入口令（监考教师不得代输）", en: "The chief examiner types the PIN in person (never a proctor)" },
  "pr.chief": { zh: "主考", en: "Chief examiner" },
  "pr.chief-pin": { zh: "主考口令", en: "Chief examiner's PIN" },
  "pr.approve": { zh: "批准替补", en: "Approve the substitute" },
  "pr.cancel": { zh: "取消", en: "Cancel" },
  "pr.no-chief": { zh: "本考点名单中没有主考", en: "No chief examiner on this site's roster" },
  "pr.approved": { zh: "主考已批准替补：{name}", en: "Substitute approved: {name}" },
  "pr.sign-in": { zh: "监考签到", en: "Sign in" },
  "pr.staff": { zh: "工号", en: "Staff no." },
  "pr.pin": { zh: "口令", en: "PIN" },
  "pr.pin-again": { zh: "再次输入口令", en: "The PIN again" },
  "pr.first": { zh: "首次在本设备签到：请设置本人口令（至少 6 位数字），并再输入一次。", en: "First sign-in on this device: set your own PIN (at least 6 digits) and type it again." },
  "pr.signed-in": { zh: "已签到：{name}", en: "Signed in: {name}" },
  "pr.staff-needed": { zh: "请输入工号", en: "Type the staff number" },
  "pr.pin-needed": { zh: "请输入口令", en: "Type the PIN" },
  "pr.pin-weak": { zh: "口令须为至少 6 位数字", en: "The PIN needs at least 6 digits" },
  "pr.pin-mismatch": { zh: "两次输入的口令不一致", en: "The two PINs differ" },
  "pr.reset-open": { zh: "主考重置口令…", en: "Chief examiner: reset a PIN…" },
  "pr.reset-title": { zh: "主考重置监考口令", en: "The chief examiner resets a proctor's PIN" },
  "pr.reset-help": {
    zh: "监考忘记口令，或发现口令并非本人设置时，由本考点主考本人输入口令重置；该监考下次签到时重新设置口令。",
    en: "For a proctor who forgot their PIN, or finds one they never set: this site's chief examiner types their own PIN to reset it, and the proctor sets a new one at their next sign-in.",
  },
  "pr.reset-proctor": { zh: "监考工号", en: "Proctor's staff no." },
  "pr.reset-chief": { zh: "主考工号", en: "Chief examiner's staff no." },
  "pr.reset": { zh: "重置口令", en: "Reset the PIN" },
  "pr.reset-done": { zh: "已重置 {id} 的口令：下次签到时请重新设置", en: "{id}'s PIN is reset: they set a new one at their next sign-in" },
} as const satisfies Record<string, Record<"zh" | "en", string>>;

export type TextKey = keyof typeof TEXT;

/** The text of `key` in the current language, `{name}` filled from `params`. */
export function pt(key: TextKey, params: Params = {}): string {
  return TEXT[key][lang()].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const stepLabel = (s: TimelineStep): string => pt(`tl.step.${s}`);
export const stateLabel = (s: StepState): string => pt(`tl.state.${s}`);
/** A step's state as a badge's tone. */
export const stepTone = (s: StepState): string =>
  ({ missed: "bad", due: "wait", next: "neutral", later: "off", done: "ok" })[s];
/** Whether a step in this state offers its tick button. */
export const tickable = (s: StepState): boolean => s === "missed" || s === "due";

export function allTextKeys(): TextKey[] {
  return Object.keys(TEXT) as TextKey[];
}
