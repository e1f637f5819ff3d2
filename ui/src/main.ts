// Entry point of the placeholder screen: styles, then fill in what the shell knows. The real
// screens (find a candidate, check documents, admit/refuse) replace this as the crates land.
import "./style.css";
import { dbPath, inApp } from "./ipc";

async function showDbPath(): Promise<void> {
  const line = document.querySelector<HTMLElement>("#db-line");
  if (!line) return;
  if (!inApp()) {
    line.textContent = "数据库：浏览器预览（未连接应用）";
    return;
  }
  try {
    line.textContent = `数据库：${await dbPath()}`;
  } catch (err) {
    line.textContent = `数据库：无法读取（${String(err)}）`;
  }
}

void showDbPath();
