// Every word the screens show, in Simplified Chinese first and English second. Proctors read
// Chinese; the English switch is for visitors and reviewers. Keys are typed, so a screen cannot ask
// for a string that has no translation. Messages that come from Rust are already bilingual and are
// shown as given, never looked up here.

export type Lang = "zh" | "en";

const TABLE = {
  "lang.switch": { zh: "English", en: "中文" },
  "lang.switch.label": { zh: "切换到英文", en: "Switch to Chinese" },
  "lang.title": { zh: "语言", en: "Language" },

  "tab.door": { zh: "入场", en: "Door" },
  "tab.tally": { zh: "统计", en: "Tally" },
  "tab.settings": { zh: "设置", en: "Settings" },
  "tab.start": { zh: "开始", en: "Start" },
  "tab.chief": { zh: "总览", en: "Overview" },
  "tabs.label": { zh: "页面", en: "Screens" },

  "context.none": { zh: "未选择考场", en: "No room chosen" },
  "context.chief": { zh: "{site} · 主考 {staff}", en: "{site} · chief examiner {staff}" },
  "context.proctor": { zh: "监考：{name}", en: "Proctor: {name}" },
  "context.room": { zh: "{room} 考场", en: "Room {room}" },
  "clock.none": { zh: "--:--:--", en: "--:--:--" },
  "clock.set": { zh: "演练时间", en: "Drill time" },
  "clock.authorised": { zh: "已调整", en: "Adjusted" },
  "clock.override": { zh: "考试时间已由主考 {who} 调整", en: "Exam time adjusted by chief examiner {who}" },
  "clock.label": { zh: "考试时间", en: "Exam time" },
  "countdown.to-start": { zh: "距开考 {time}", en: "Start in {time}" },
  "countdown.to-cutoff": { zh: "距入场截止 {time}", en: "Entry closes in {time}" },
  "countdown.past-cutoff": { zh: "已过入场截止时间", en: "Entry closed (T+30 passed)" },

  "phase.before-staff": { zh: "考务人员未到场", en: "Before staff arrive" },
  "phase.preparing": { zh: "考前准备", en: "Preparing the room" },
  "phase.door-open": { zh: "入场核验", en: "Door open" },
  "phase.started": { zh: "已开考（30 分钟内可入场）", en: "Started (late entry allowed)" },
  "phase.late-cutoff-passed": { zh: "已过入场截止", en: "Entry closed" },
  "phase.ended": { zh: "考试已结束", en: "Exam ended" },

  "start.title": { zh: "开始", en: "Start" },
  "start.loaded": { zh: "已载入：{sittings} 场考试，{sites} 个考点", en: "Loaded: {sittings} sittings, {sites} sites" },
  "start.empty": { zh: "尚未载入座次表。请导入座次表，或载入演示考试。", en: "No seating list yet. Import one, or load the demo exam." },
  "start.load-demo": { zh: "载入演示考试", en: "Load the demo exam" },
  "start.import": { zh: "导入座次表（CSV / XLSX）", en: "Import seating lists (CSV / XLSX)" },
  "start.demo-loaded": { zh: "演示考试已载入", en: "Demo exam loaded" },
  "start.demo-already": { zh: "演示考试此前已载入，可直接选择考场。", en: "The demo exam was already loaded; choose a room." },
  "start.imported": { zh: "导入完成：{candidates} 名考生，{staff} 名考务人员", en: "Imported: {candidates} candidates, {staff} staff" },
  "start.import-failed": { zh: "导入失败，未写入任何数据：", en: "Import failed; nothing was written:" },
  "start.file-row": { zh: "{file}：{kind}，{rows} 行", en: "{file}: {kind}, {rows} rows" },
  "start.warning": { zh: "{site} {room} 考场：{seats} 座需 {needed} 名监考，已安排 {assigned} 名", en: "{site} room {room}: {seats} seats need {needed} proctors, {assigned} assigned" },
  "start.dialog-filter": { zh: "座次表", en: "Seating list" },
  "start.sitting": { zh: "考试场次", en: "Sitting" },
  "start.site": { zh: "考点", en: "Site" },
  "start.room": { zh: "考场", en: "Room" },
  "start.proctor": { zh: "监考教师（我是）", en: "Proctor (I am)" },
  "start.choose": { zh: "请选择", en: "Choose" },
  "start.room-option": { zh: "{room} 考场 · {candidates} 人", en: "Room {room} · {candidates} candidates" },
  "start.no-proctor": { zh: "该考场没有监考名单", en: "No proctor listed for this room" },
  "start.go": { zh: "进入考场入口", en: "Open the door screen" },

  "door.need-room": { zh: "请先在“开始”页选择考场和监考教师。", en: "Choose a room and proctor on the Start screen first." },
  "door.search": { zh: "准考证号 / 后四位 / 座位号 / 姓名", en: "Ticket no. / last 4 digits / seat / name" },
  "door.search.label": { zh: "查找考生", en: "Find a candidate" },
  "door.not-found": { zh: "未找到考生", en: "No candidate found" },
  "door.other-room": { zh: "其他考场", en: "Other room" },
  "door.seat": { zh: "{seat} 号座", en: "Seat {seat}" },

  "card.close": { zh: "返回", en: "Back" },
  "card.student": { zh: "学号（准考证号）", en: "Student / ticket no." },
  "card.seat": { zh: "座位", en: "Seat" },
  "card.room": { zh: "考场", en: "Room" },
  "card.document": { zh: "证件", en: "Document" },
  "card.document-number": { zh: "证件号码", en: "Document no." },
  "card.photo": { zh: "登记照片：{file}", en: "Registration photo: {file}" },
  "card.no-photo": { zh: "无登记照片", en: "No registration photo" },
  "card.wrong-room": { zh: "不在本考场：请前往 {room} 考场（{address}）", en: "Not in this room: go to room {room} ({address})" },
  "card.wrong-site": { zh: "不在本考点：请前往 {site} {room} 考场（{address}）", en: "Not at this site: go to {site}, room {room} ({address})" },
  "card.refuse-wrong-room": { zh: "告知考生并关闭", en: "Tell the candidate and close" },
  "card.late": { zh: "已过入场截止时间：迟到超过 30 分钟的考生不得入场", en: "Entry closed: candidates more than 30 minutes late may not enter" },
  "card.final": { zh: "该考生已处理，无需再操作。", en: "Already decided; nothing to do." },
  "card.final-manual": { zh: "人工核验通过：主考已批准，考生已入场。", en: "Manual verification passed: the chief examiner approved; admitted." },
  "card.conflict": { zh: "多台设备记录不一致，须由主考处理。", en: "Devices disagree; the chief examiner must resolve this." },
  "step.ticket": { zh: "① 核对准考证", en: "① Check the ticket" },
  "step.ticket.confirm": { zh: "准考证号一致", en: "Ticket number matches" },
  "step.ticket.done": { zh: "✓ 准考证号一致", en: "✓ Ticket number matches" },
  "step.id": { zh: "② 核对证件：输入证件号后 4 位或完整号码", en: "② Check the ID: type its last 4 characters or the whole number" },
  "step.id.input": { zh: "证件号后 4 位", en: "Last 4 of the ID" },
  "step.id.check": { zh: "核对", en: "Check" },
  "step.id.full": { zh: "✓ 证件号码完全一致", en: "✓ The whole number matches" },
  "step.id.suffix": { zh: "✓ 证件号后几位一致", en: "✓ The last characters match" },
  "step.id.mismatch": { zh: "✗ 证件号码不符：请再核对证件，不符则拒绝入场", en: "✗ The ID does not match: check again, or refuse entry" },
  "step.id.too-short": { zh: "请至少输入 4 位", en: "Type at least 4 characters" },
  "step.face": { zh: "③ 人脸识别结果", en: "③ Face recognition" },
  "step.face.passed": { zh: "识别通过", en: "Passed" },
  "step.face.failed": { zh: "识别失败", en: "Failed" },
  "step.decide": { zh: "④ 决定", en: "④ Decide" },
  "act.admit": { zh: "准予入场", en: "Admit" },
  "act.vouch": { zh: "人工核验（拍照并等待主考审批）", en: "Vouch by hand (photo, then chief examiner approves)" },
  "act.refuse": { zh: "拒绝入场…", en: "Refuse…" },
  "act.refuse-document": { zh: "证件不符，拒绝入场", en: "Refuse: documents do not match" },
  "act.refuse-other": { zh: "其他原因，拒绝入场", en: "Refuse: other reason" },
  "act.refuse-note": { zh: "拒绝原因", en: "Reason" },
  "act.refuse-note-needed": { zh: "请先填写拒绝原因", en: "Write the reason first" },

  "result.admitted": { zh: "已准予入场：{name}，{seat} 号座", en: "Admitted: {name}, seat {seat}" },
  "result.pending": { zh: "已提交人工核验，等待主考审批：{name}", en: "Manual verification sent to the chief examiner: {name}" },
  "result.refused": { zh: "已拒绝入场：{name}（{reason}）", en: "Refused: {name} ({reason})" },
  "result.approved": { zh: "人工核验通过，主考已批准入场：{name}，{seat} 号座", en: "Manual verification approved by the chief examiner: {name}, seat {seat}, admitted" },
  "result.rejected": { zh: "主考已驳回人工核验，拒绝入场：{name}（{note}）", en: "Manual verification rejected by the chief examiner: {name} ({note}), refused" },
  "result.pin-set": { zh: "主考口令已设置。请主考本人输入口令审批。", en: "The chief examiner's PIN is set. The chief now types it to decide." },
  "result.late": { zh: "迟到超过 30 分钟，禁止入场，已记缺考", en: "More than 30 minutes late: entry refused, marked absent" },
  "result.absent": { zh: "已记缺考：{name}", en: "Marked absent: {name}" },
  "result.other": { zh: "已记录：{state}", en: "Recorded: {state}" },
  "result.wrong-room": { zh: "已告知 {name} 前往 {room} 考场（{address}）", en: "{name} sent to room {room} ({address})" },

  "capture.title": { zh: "拍摄人工核验照片", en: "Take the manual-verification photo" },
  "capture.intro": { zh: "请拍摄考生与监考教师在考生座位（{seat} 号座）的合照。照片自动加盖考试时间、考点、考场地址并签名，然后交主考审批。", en: "Photograph the candidate and the proctor together at the candidate's seat (seat {seat}). The photo is stamped with the exam time, site and room address, signed, and sent to the chief examiner." },
  "capture.camera": { zh: "打开摄像头", en: "Open the camera" },
  "capture.shoot": { zh: "拍照", en: "Take the photo" },
  "capture.phone": { zh: "用手机相机拍照", en: "Use the phone's camera" },
  "capture.file": { zh: "选择照片文件", en: "Choose a photo file" },
  "capture.preview": { zh: "待提交的照片", en: "The photo to send" },
  "capture.send": { zh: "使用这张照片，提交主考审批", en: "Use this photo: send for approval" },
  "capture.retake": { zh: "重拍", en: "Take it again" },
  "capture.cancel": { zh: "取消", en: "Cancel" },
  "capture.no-camera": { zh: "无法打开摄像头（{why}）。请改用手机相机或选择照片文件。", en: "The camera cannot be opened ({why}). Use the phone's camera or choose a photo file." },
  "capture.not-ready": { zh: "摄像头画面尚未就绪，请稍后再按拍照", en: "The camera is not showing a picture yet: press again in a moment" },
  "capture.empty": { zh: "照片文件是空的，请重拍", en: "The photo file is empty: take it again" },
  "capture.too-big": { zh: "照片文件超过 40 MB，请重拍或选择较小的照片", en: "The photo file is over 40 MB: take it again or choose a smaller one" },
  "capture.not-image": { zh: "所选文件不是图片，请选择 JPEG 照片", en: "The chosen file is not an image: choose a JPEG photo" },
  "approval.source.camera": { zh: "照片来源：本设备摄像头现场拍摄", en: "Photo source: taken with this device's camera" },
  "approval.source.phone": { zh: "照片来源：手机相机拍摄", en: "Photo source: the phone's camera" },
  "approval.source.file": { zh: "照片来源：选择的照片文件。请核对照片确为考生与监考教师在座位现场所拍。", en: "Photo source: a chosen photo file. Check that it really shows candidate and proctor at the seat, taken now." },
  "approval.photo": { zh: "人工核验照片（考生与监考教师在座位的合照）", en: "The manual-verification photo (candidate and proctor at the seat)" },
  "approval.title": { zh: "主考审批人工核验", en: "Chief examiner: approve the manual verification" },
  "approval.intro": { zh: "人脸识别未通过，监考教师已人工核验并拍照。须主考批准后方可入场。", en: "Face recognition failed; the proctor vouched and took the photo. The chief examiner must approve before entry." },
  "approval.chief": { zh: "主考", en: "Chief examiner" },
  "approval.loading": { zh: "正在读取主考名单…", en: "Reading the chief examiners…" },
  "approval.no-chief": { zh: "本考点名单中没有主考，无法在本设备审批。请联系考点办公室。", en: "No chief examiner on this site's roster: approval is not possible here. Call the site office." },
  "approval.who": { zh: "请主考本人输入口令（监考教师不得代输）", en: "The chief examiner types the PIN in person (never the proctor)" },
  "approval.pin": { zh: "主考口令", en: "Chief examiner's PIN" },
  "approval.approve": { zh: "批准", en: "Approve" },
  "approval.reject": { zh: "驳回", en: "Reject" },
  "approval.reject-note": { zh: "驳回理由（驳回时必填）", en: "Reason for rejecting (required to reject)" },
  "approval.note.unclear": { zh: "照片不清", en: "Photo unclear" },
  "approval.note.not-person": { zh: "非本人", en: "Not the candidate" },
  "approval.note.label": { zh: "常用理由", en: "Common reasons" },
  "approval.pin-needed": { zh: "请主考先输入口令", en: "The chief examiner must type the PIN first" },
  "approval.note-needed": { zh: "驳回须填写理由", en: "Write the reason for rejecting" },
  "approval.locked": { zh: "口令已锁定：{secs} 秒后可再试", en: "PIN locked: try again in {secs} s" },
  "approval.set.title": { zh: "考点办公室设置主考口令（首次使用）", en: "Site office: set the chief examiner's PIN (first use)" },
  "approval.set.help": { zh: "本设备尚未设置该主考的口令。请考点办公室与主考本人一起设置：至少 6 位数字，输入两次。", en: "This chief examiner has no PIN on this device yet. The site office sets it with the chief: at least 6 digits, typed twice." },
  "approval.set.new": { zh: "新口令（至少 6 位数字）", en: "New PIN (at least 6 digits)" },
  "approval.set.confirm": { zh: "再次输入新口令", en: "Type the new PIN again" },
  "approval.set.go": { zh: "设置口令", en: "Set the PIN" },
  "approval.set.empty": { zh: "请输入新口令", en: "Type the new PIN" },
  "approval.set.not-digits": { zh: "口令只能是数字", en: "The PIN is digits only" },
  "approval.set.too-short": { zh: "口令须为至少 6 位数字", en: "The PIN needs at least 6 digits" },
  "approval.set.mismatch": { zh: "两次输入的口令不一致", en: "The two PINs differ" },
  "approval.awaiting-pin": {
    zh: "主考口令尚未送达本机：请考点办公室用 examgate serve chief-pin 设置，并在联网后同步。",
    en: "The chief examiner's PIN has not reached this device yet: the site office sets it with examgate serve chief-pin; sync once online.",
  },

  "state.expected": { zh: "待入场", en: "Expected" },
  "state.admitted": { zh: "已入场", en: "Admitted" },
  "state.admitted-manual": { zh: "已入场（人工核验）", en: "Admitted (manual)" },
  "state.pending-manual-verification": { zh: "待主考审批", en: "Awaiting approval" },
  "state.refused": { zh: "已拒绝", en: "Refused" },
  "state.absent": { zh: "缺考", en: "Absent" },
  "state.absent-late": { zh: "缺考（迟到）", en: "Absent (late)" },
  "state.conflict": { zh: "记录冲突", en: "Conflict" },

  "reason.document-mismatch": { zh: "证件不符", en: "documents do not match" },
  "reason.manual-verification-rejected": { zh: "人工核验未通过", en: "manual verification rejected" },
  "reason.other": { zh: "其他：{note}", en: "other: {note}" },

  "doc.resident-id": { zh: "居民身份证", en: "Resident ID card" },
  "doc.residence-permit": { zh: "港澳台居民居住证", en: "HK/Macau/Taiwan residence permit" },
  "doc.hk-macau-travel-permit": { zh: "港澳居民来往内地通行证", en: "HK/Macau travel permit" },
  "doc.taiwan-travel-permit": { zh: "台湾居民来往大陆通行证", en: "Taiwan travel permit" },
  "doc.passport": { zh: "护照", en: "Passport" },
  "doc.public-security-certificate": { zh: "公安机关身份证明", en: "Public-security certificate" },

  "tally.title": { zh: "本考场统计", en: "Room tally" },
  "tally.expected": { zh: "待入场", en: "Expected" },
  "tally.admitted": { zh: "已入场", en: "Admitted" },
  "tally.pending": { zh: "待审批", en: "Pending" },
  "tally.refused": { zh: "已拒绝", en: "Refused" },
  "tally.absent": { zh: "缺考", en: "Absent" },
  "tally.conflict": { zh: "冲突", en: "Conflict" },
  "tally.decide": { zh: "去审批 ›", en: "Decide ›" },
  "tally.empty": { zh: "（无）", en: "(none)" },
  "tally.mark-absent": { zh: "开考30分钟：未到考生记缺考", en: "T+30: mark everyone not arrived absent" },
  "tally.mark-absent-ask": { zh: "将 {n} 名未到考生记为缺考？此操作会记录在案。", en: "Mark {n} candidates who have not arrived as absent? This is recorded." },
  "tally.mark-absent-confirm": { zh: "确认记缺考", en: "Yes, mark absent" },
  "tally.cancel": { zh: "取消", en: "Cancel" },
  "tally.marked": { zh: "已将 {n} 名未到考生记为缺考", en: "{n} candidates marked absent" },

  "settings.title": { zh: "设置", en: "Settings" },
  "settings.exam-time": { zh: "考试时间（北京时间）", en: "Exam time (UTC+8)" },
  "settings.exam-time.help": {
    zh: "考试时间决定开考、迟到和缺考。演练场次可自由设置；正式考试跟随本机时钟，调整须主考输入口令，并在每个页面显示。",
    en: "The exam time decides start, lateness and absence. A drill may set it freely; a real sitting follows the device clock, and changing it needs the chief examiner's PIN and is shown on every screen.",
  },
  "settings.kind-drill": { zh: "本场次：演练（可自由设置考试时间）", en: "This sitting: a drill (its exam time may be set freely)" },
  "settings.kind-real": {
    zh: "本场次：正式考试（考试时间跟随本机时钟；调整须主考口令）",
    en: "This sitting: real (the exam time follows the device clock; changing it needs the chief examiner's PIN)",
  },
  "settings.kind-unknown": { zh: "请先在“开始”页选择场次", en: "Choose a sitting on the Start screen first" },
  "settings.clock-authorised": { zh: "当前：主考 {who} 授权的考试时间", en: "Now: exam time authorised by chief examiner {who}" },
  "settings.chief": { zh: "授权主考", en: "Authorising chief examiner" },
  "settings.chief-pin": { zh: "主考口令", en: "Chief examiner's PIN" },
  "settings.chief-needed": { zh: "正式考试：请选择主考并由其输入口令", en: "Real sitting: choose the chief examiner, who types their PIN" },
  "settings.no-chiefs": { zh: "先在“开始”页选择考点，才能由主考授权", en: "Choose the site on the Start screen so its chief examiner can authorise" },
  "settings.needs-chief": { zh: "正式考试的考试时间须由主考输入口令授权", en: "A real sitting's exam time needs the chief examiner's PIN" },
  "settings.chief-only": { zh: "只有主考可以授权调整考试时间", en: "Only a chief examiner can authorise a different exam time" },
  "settings.chief-no-pin": { zh: "该主考在本设备尚未设置口令", en: "This chief examiner has no PIN on this device yet" },
  "settings.chief-pin-awaited": {
    zh: "该主考的口令尚未送达本机：请考点办公室用 examgate serve chief-pin 设置，并在联网后同步。",
    en: "This chief examiner's PIN has not reached this device yet: the site office sets it with examgate serve chief-pin; sync once online.",
  },
  "settings.set-clock": { zh: "使用此时间", en: "Use this time" },
  "settings.reset-clock": { zh: "恢复设备时间", en: "Back to device time" },
  "settings.clock-is-set": { zh: "当前：演练时间", en: "Now: drill time" },
  "settings.clock-is-device": { zh: "当前：设备时间", en: "Now: device time" },
  "settings.clock-saved": { zh: "考试时间已设为 {time}", en: "Exam time set to {time}" },
  "settings.clock-reset": { zh: "已恢复设备时间", en: "Following the device clock again" },
  "settings.bad-time": { zh: "请输入完整的日期和时间", en: "Enter a full date and time" },
  "settings.about": { zh: "关于本机", en: "About this device" },
  "settings.db": { zh: "数据库", en: "Database" },
  "settings.db-key": { zh: "数据库密钥存放处（数据库已加密）", en: "Where the database key is kept (the database is encrypted)" },
  "settings.device": { zh: "设备编号", en: "Device id" },
  "settings.signing-key": { zh: "照片签名公钥（交考点办公室核验照片用）", en: "Photo-signing public key (for the site office to verify photos)" },
  "settings.version": { zh: "版本", en: "Version" },
  "settings.orphans": { zh: "无记录的照片", en: "Photos without a record" },
  "settings.orphans-none": { zh: "无", en: "None" },
  "settings.orphans-some": {
    zh: "{count} 张照片没有对应的核验记录（应用在保存照片后、记录前停止），已移至 photos/orphaned/，请交考点办公室查看：{files}",
    en: "{count} photos have no record (the app stopped between saving and recording them); moved to photos/orphaned/ for the site office to look at: {files}",
  },
  "settings.no-app": { zh: "浏览器预览（未连接应用）", en: "Browser preview (no app)" },

  "connect.open": { zh: "连接考点服务器", en: "Connect to the site server" },
  "connect.reconnect": { zh: "换用新的注册码重新连接", en: "Reconnect with a new code" },
  "connect.title": { zh: "连接考点服务器", en: "Connect to the site server" },
  "connect.intro": {
    zh: "向考点办公室索取本机的注册码（二维码，或一行以 EG1: 开头的文字）。扫描二维码、选择二维码图片，或粘贴文字后点“连接”。注册码只能使用一次。",
    en: "Ask the site office for this device's enrollment code (a QR code, or one line starting with EG1:). Scan the QR code, choose a picture of it, or paste the text and tap Connect. A code works once.",
  },
  "connect.paste": { zh: "粘贴注册码", en: "Paste the enrollment code" },
  "connect.name": { zh: "本机名称（可不填，供考点办公室识别）", en: "This device's name (optional, for the office's list)" },
  "connect.submit": { zh: "连接", en: "Connect" },
  "connect.scan": { zh: "扫描二维码", en: "Scan the QR code" },
  "connect.file": { zh: "选择二维码图片", en: "Choose a QR code picture" },
  "connect.scan-stop": { zh: "停止扫描", en: "Stop scanning" },
  "connect.scanning": { zh: "请将二维码放在取景框中央并保持稳定…", en: "Hold the QR code steady in the middle of the view…" },
  "connect.cancel": { zh: "取消", en: "Cancel" },
  "connect.busy": { zh: "正在连接考点服务器…", en: "Connecting to the site server…" },
  "connect.read": { zh: "已读取二维码，正在连接…", en: "QR code read; connecting…" },
  "connect.done": { zh: "已连接考点服务器", en: "Connected to the site server" },
  "connect.empty": { zh: "请先粘贴注册码", en: "Paste the enrollment code first" },
  "connect.no-camera": {
    zh: "无法打开摄像头：{why}。请选择二维码图片，或粘贴注册码。",
    en: "The camera cannot be opened: {why}. Choose a picture of the QR code, or paste the code.",
  },
  "connect.err.bad-code": {
    zh: "这不是有效的注册码，请核对是否完整复制，或向考点办公室索取新的注册码。",
    en: "This is not a valid enrollment code: check it was copied whole, or ask the site office for a new one.",
  },
  "connect.err.spent": {
    zh: "注册码已使用过或已过期，请向考点办公室索取新的注册码。",
    en: "The code was already used or has expired: ask the site office for a new one.",
  },
  "connect.err.unreachable": {
    zh: "连不上考点服务器：请确认本机已连接考点的无线网络，且服务器正在运行。",
    en: "The site server cannot be reached: check this device is on the site's Wi-Fi and the server is running.",
  },
  "connect.err.certificate": {
    zh: "服务器证书与注册码不符，已停止连接，未发送任何数据。请立即告知考点办公室。",
    en: "The server's certificate does not match the code: nothing was sent. Tell the site office at once.",
  },
  "connect.err.refused": { zh: "考点服务器拒绝了本机：", en: "The site server refused this device:" },
  "connect.err.no-qr": {
    zh: "图中没有找到可读的二维码，请让二维码充满画面、清晰对焦后重试。",
    en: "No readable QR code in the picture: fill the frame with it, in focus, and try again.",
  },
  "connect.err.not-enroll-qr": {
    zh: "这个二维码不是 examgate 注册码，请扫描考点办公室给出的注册码。",
    en: "This QR code is not an examgate enrollment code: scan the one the site office gave you.",
  },

  "sync.synced": { zh: "已同步", en: "Synced" },
  "sync.never": { zh: "尚未同步", en: "Not synced yet" },
  "sync.pending": { zh: "待上传 {count} 条事件", en: "{count} events to upload" },
  "sync.offline": { zh: "离线（自 {since}）", en: "Offline since {since}" },
  "sync.offline-pending": { zh: "离线（自 {since}），待上传 {count} 条事件", en: "Offline since {since}; {count} events to upload" },
  "sync.pending-photos": { zh: "待上传 {photos} 张照片", en: "{photos} photos to upload" },
  "sync.pending-both": { zh: "待上传 {count} 条事件、{photos} 张照片", en: "{count} events and {photos} photos to upload" },
  "sync.offline-photos": { zh: "离线（自 {since}），待上传 {photos} 张照片", en: "Offline since {since}; {photos} photos to upload" },
  "sync.offline-both": { zh: "离线（自 {since}），待上传 {count} 条事件、{photos} 张照片", en: "Offline since {since}; {count} events and {photos} photos to upload" },
  "sync.uploading": { zh: "正在上传照片 {sent} / {total} MB", en: "Uploading photos {sent} / {total} MB" },
  "sync.upload-label": { zh: "照片上传进度", en: "Photo upload progress" },
  "sync.failed": { zh: "同步被服务器拒绝，详见“设置”", en: "Sync refused by the server: see Settings" },
  "sync.clock-ahead": {
    zh: "本机时钟比考点服务器快 {minutes} 分钟，请校准本机时间",
    en: "This device's clock is {minutes} min ahead of the site server's: correct it",
  },
  "sync.clock-behind": {
    zh: "本机时钟比考点服务器慢 {minutes} 分钟，请校准本机时间",
    en: "This device's clock is {minutes} min behind the site server's: correct it",
  },
  "sync.now": { zh: "立即同步", en: "Sync now" },
  "sync.busy": { zh: "正在同步…", en: "Syncing…" },
  "sync.done": { zh: "同步完成", en: "Sync complete" },
  "sync.state": { zh: "同步状态", en: "Sync" },
  "sync.last": { zh: "上次同步", en: "Last sync" },
  "sync.last-never": { zh: "从未", en: "Never" },
  "sync.clock": { zh: "时钟偏差（本机减服务器）", en: "Clock offset (device minus server)" },
  "sync.clock-value": { zh: "{offset} 秒（误差 ±{error} 秒）", en: "{offset} s (± {error} s)" },
  "sync.clock-unknown": { zh: "未测", en: "Not measured" },
  "sync.last-error": { zh: "上次同步的问题", en: "Last sync problem" },
  "sync.err.not-enrolled": { zh: "本机尚未连接考点服务器", en: "This device is not connected to a site server" },

  "chief.title": { zh: "主考总览", en: "Chief examiner's overview" },
  "chief.need-server": { zh: "本机须以主考身份连接考点服务器（“开始”页）。", en: "Connect this device to the site server as the chief examiner (Start screen)." },
  "chief.site": { zh: "{site} · {rooms} 个考场 · 应到 {total} 人，已入场 {admitted} 人", en: "{site} · {rooms} rooms · {total} candidates, {admitted} admitted" },
  "chief.pending": { zh: "待批准的人工核验", en: "Manual verifications awaiting approval" },
  "chief.pending-none": { zh: "暂无待批准的人工核验", en: "Nothing awaits approval" },
  "chief.conflicts": { zh: "设备记录冲突（须处理）", en: "Devices disagree (to resolve)" },
  "chief.rooms": { zh: "各考场", en: "Rooms" },
  "chief.room": { zh: "{room} 考场", en: "Room {room}" },
  "chief.postcheck": { zh: "考后核验", en: "Post-exam check" },
  "chief.postcheck.line": { zh: "还有 {n} 张照片须在 {date}前完成核验", en: "{n} photos still to check by {date}" },
  "chief.postcheck.one": { zh: "还有 {n} 张照片须在 {date}前完成核验", en: "{n} photo still to check by {date}" },
  "chief.postcheck.done": { zh: "入场照片已全部核验（截止 {date}）", en: "Every entry photo checked (due {date})" },
  "chief.postcheck.how-recognition": { zh: "人脸识别入场", en: "Admitted by face recognition" },
  "chief.postcheck.how-manual": { zh: "人工核验入场 · {file}", en: "Admitted by manual verification · {file}" },
  "chief.postcheck.mark": { zh: "已核验", en: "Checked" },
  "chief.postcheck.marked": { zh: "已核验：{name}", en: "Checked: {name}" },
  "chief.count.total": { zh: "应到 {n}", en: "{n} listed" },
  "chief.count.admitted": { zh: "已入场 {n}", en: "{n} admitted" },
  "chief.count.pending": { zh: "待批 {n}", en: "{n} pending" },
  "chief.count.expected": { zh: "未到 {n}", en: "{n} not yet" },
  "chief.count.absent": { zh: "缺考 {n}", en: "{n} absent" },
  "chief.count.refused": { zh: "拒绝 {n}", en: "{n} refused" },
  "chief.count.conflict": { zh: "冲突 {n}", en: "{n} conflicts" },
  "chief.where": { zh: "{room} 考场 · {seat} 号座", en: "Room {room} · seat {seat}" },
  "chief.student": { zh: "学号 {student}", en: "Student {student}" },
  "chief.document": { zh: "证件 {number}", en: "ID {number}" },
  "chief.vouched": { zh: "监考 {who} 于 {time} 提交人工核验", en: "Vouched for by {who} at {time}" },
  "chief.photo-loading": { zh: "正在读取照片…", en: "Loading the photo…" },
  "chief.photo-uploading": { zh: "照片上传中", en: "Photo uploading" },
  "chief.photo-none": { zh: "无照片", en: "No photo" },
  "chief.photo-error": { zh: "照片无法读取", en: "The photo cannot be read" },
  "chief.photo": { zh: "人工核验照片", en: "Manual-verification photo" },
  "chief.decide": { zh: "审批", en: "Decide" },
  "chief.no-pin": {
    zh: "本机尚无主考 {chief} 的口令：请考点办公室在考点服务器上设置（examgate serve chief-pin），本机同步后即可审批。",
    en: "This device has no PIN for chief examiner {chief} yet: the site office sets it at the site server (examgate serve chief-pin); once this device syncs, decide here.",
  },
  "chief.pin": { zh: "主考口令（{chief}）", en: "Chief examiner's PIN ({chief})" },
  "chief.approved": { zh: "已批准：{name} 入场", en: "Approved: {name} admitted" },
  "chief.rejected": { zh: "已驳回：{name}", en: "Rejected: {name}" },
  "chief.export": { zh: "导出应急处理照片", en: "Export emergency photos" },
  "chief.export-hint": {
    zh: "本考点全部应急处理照片打包为一个 ZIP（按通知命名），从考点服务器下载，保存到您选择的位置。",
    en: "Every emergency photo of the site in one ZIP (named as the notice asks), downloaded from the site server to where you choose.",
  },
  "chief.export-label": { zh: "归档下载进度", en: "Archive download progress" },
  "chief.export-making": { zh: "服务器正在生成归档…", en: "The server is making the archive…" },
  "chief.export-receiving": { zh: "正在下载归档 {received} / {total} MB", en: "Downloading the archive {received} / {total} MB" },
  "chief.export-saved": { zh: "已保存：{path}（{photos} 张照片）", en: "Saved: {path} ({photos} photos)" },
  "chief.export-refused": {
    zh: "请让下列照片所在考场的设备同步上传后重试。",
    en: "Have the rooms of the photos below sync their devices, then try again.",
  },
  "chief.export-busy": { zh: "服务器正在生成另一份归档，请稍后重试。", en: "The server is making another archive; try again shortly." },
  "chief.export-not-chief": { zh: "只有主考的设备可以导出应急处理照片。", en: "Only the chief examiner's device may export the photos." },
  "chief.export-offline": { zh: "无法连接考点服务器，请确认已接入考点 Wi-Fi。", en: "The site server cannot be reached; check the site's Wi-Fi." },

  "server.title": { zh: "考点服务器", en: "Site server" },
  "server.none": { zh: "未连接考点服务器", en: "Not connected to a site server" },
  "server.connected": { zh: "已连接", en: "Connected" },
  "server.site": { zh: "考点", en: "Site" },
  "server.room": { zh: "考场", en: "Room" },
  "server.room-all": { zh: "全考点", en: "Whole site" },
  "server.role": { zh: "身份", en: "Role" },
  "server.role-proctor": { zh: "监考员", en: "Proctor" },
  "server.role-chief": { zh: "主考", en: "Chief examiner" },
  "server.staff": { zh: "工号", en: "Staff no." },
  "server.url": { zh: "服务器地址", en: "Server address" },
  "server.fingerprint": { zh: "证书指纹（与服务器屏幕上的核对）", en: "Certificate fingerprint (compare with the server's screen)" },
  "server.enrolled-at": { zh: "连接时间", en: "Connected at" },
} as const satisfies Record<string, Record<Lang, string>>;

export type Key = keyof typeof TABLE;
export type Params = Record<string, string | number>;

const STORAGE_KEY = "examgate.lang";
let current: Lang = "zh";

/** The text of `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function translate(lang: Lang, key: Key, params: Params = {}): string {
  return TABLE[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The text of `key` in the current language. */
export function t(key: Key, params?: Params): string {
  return translate(current, key, params);
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang, storage: Pick<Storage, "setItem"> | null = safeStorage()): void {
  current = next;
  storage?.setItem(STORAGE_KEY, next);
}

/** The remembered language; Chinese unless English was chosen before. */
export function loadLang(storage: Pick<Storage, "getItem"> | null = safeStorage()): Lang {
  current = storage?.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  return current;
}

export function isKey(s: string): s is Key {
  return Object.prototype.hasOwnProperty.call(TABLE, s);
}

export function allKeys(): Key[] {
  return Object.keys(TABLE) as Key[];
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
