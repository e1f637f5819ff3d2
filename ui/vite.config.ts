// Vite for the Tauri webview: fixed port (tauri.conf.json devUrl points at it), no screen clearing
// (the Tauri CLI's Rust output shares the terminal), and a build target the oldest supported
// webviews understand (WebView2 on Windows is Chromium; macOS's WKWebView is Safari 13+).
import { defineConfig } from "vitest/config";

export default defineConfig({
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    target: ["es2021", "chrome105", "safari13"],
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
