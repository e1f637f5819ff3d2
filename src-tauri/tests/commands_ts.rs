//! `ui/src/commands.ts`, the UI's typed wrapper of every command, is generated from
//! `src/commands.rs` (read with `syn`), and a test fails when the committed file is stale:
//! hand-written wrappers drifted from the Rust signatures before. A second test holds the other
//! side: every command is registered with `generate_handler!` in `src/lib.rs`, and nothing else is.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p examgate-app --test commands_ts`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a generator run by a test: a failure is the test failing"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{FnArg, GenericArgument, Item, ItemFn, Pat, PathArguments, ReturnType, Type};

/// Arguments Tauri fills in itself: the UI never sends them.
const INJECTED: [&str; 6] = [
    "State",
    "Request",
    "AppHandle",
    "Window",
    "Webview",
    "WebviewWindow",
];

fn source(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One `#[tauri::command]`, as the UI calls it.
struct Command {
    name: String,
    docs: Vec<String>,
    /// (name the UI sends, TypeScript type)
    args: Vec<(String, String)>,
    /// The body is raw bytes (the command reads the `Request`), with headers.
    raw_body: bool,
    returns: String,
}

fn is_command(f: &ItemFn) -> Option<&syn::Attribute> {
    f.attrs.iter().find(|a| {
        let segs: Vec<_> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segs == ["tauri", "command"] || segs == ["command"]
    })
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The type arguments of the last path segment (`Option<T>` → `[T]`).
fn type_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(p) = ty else { return Vec::new() };
    match p.path.segments.last().map(|s| &s.arguments) {
        Some(PathArguments::AngleBracketed(a)) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript type of a Rust type as it crosses the IPC; names of generated types (ts-rs,
/// `bindings.ts`) go in `named`.
fn ts(ty: &Type, named: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Reference(r) => ts(&r.elem, named),
        Type::Tuple(t) if t.elems.is_empty() => "null".into(),
        Type::Slice(s) => array(ts(&s.elem, named)),
        Type::Path(_) => {
            let ident = last_ident(ty).unwrap();
            let args = type_args(ty);
            match (ident.as_str(), args.as_slice()) {
                ("String" | "str", []) => "string".into(),
                ("bool", []) => "boolean".into(),
                (
                    "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
                    | "f32" | "f64",
                    [],
                ) => "number".into(),
                ("Option", [t]) => format!("{} | null", ts(t, named)),
                ("Vec", [t]) => array(ts(t, named)),
                // A stream of messages to the page (progress): Tauri's `Channel` class.
                ("Channel", [t]) => format!("Channel<{}>", ts(t, named)),
                // Raw bytes back (no JSON): Tauri hands the UI an ArrayBuffer.
                ("Response", []) => "ArrayBuffer".into(),
                (name, []) => {
                    named.insert(name.to_string());
                    name.to_string()
                }
                _ => panic!("no TypeScript mapping for {}", quote_ty(ty)),
            }
        }
        _ => panic!("no TypeScript mapping for {}", quote_ty(ty)),
    }
}

fn array(inner: String) -> String {
    if inner.contains(' ') {
        format!("({inner})[]")
    } else {
        format!("{inner}[]")
    }
}

fn quote_ty(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string()
}

/// The result the UI's promise resolves to: `R<T>` (`Result<T, IpcError>`) is `T`, the error
/// the rejection.
fn returns(output: &ReturnType, named: &mut BTreeSet<String>) -> String {
    match output {
        ReturnType::Default => "null".into(),
        ReturnType::Type(_, ty) => match (last_ident(ty).as_deref(), type_args(ty).as_slice()) {
            (Some("R" | "Result"), [ok, ..]) => ts(ok, named),
            _ => ts(ty, named),
        },
    }
}

fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().replace("*/", "*\\/")),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn command(f: &ItemFn, attr: &syn::Attribute, named: &mut BTreeSet<String>) -> Command {
    // Tauri renames arguments to camelCase unless the command says otherwise.
    let mut rename_all = "camelCase".to_string();
    if let syn::Meta::List(_) = &attr.meta {
        attr.parse_nested_meta(|m| {
            if m.path.is_ident("rename_all") {
                rename_all = m.value()?.parse::<syn::LitStr>()?.value();
            }
            Ok(())
        })
        .unwrap();
    }
    let mut args = Vec::new();
    let mut raw_body = false;
    for input in &f.sig.inputs {
        let FnArg::Typed(arg) = input else {
            panic!("{}: a command is a free function", f.sig.ident)
        };
        let kind = last_ident(&arg.ty).unwrap_or_default();
        if INJECTED.contains(&kind.as_str()) {
            raw_body |= kind == "Request";
            continue;
        }
        let Pat::Ident(name) = &*arg.pat else {
            panic!("{}: an argument without a plain name", f.sig.ident)
        };
        let name = name.ident.to_string();
        let sent = match rename_all.as_str() {
            "snake_case" => name,
            "camelCase" => camel(&name),
            other => panic!("{}: rename_all = {other:?} is not handled", f.sig.ident),
        };
        args.push((sent, ts(&arg.ty, named)));
    }
    assert!(
        !raw_body || args.is_empty(),
        "{}: a raw-body command takes its data from the request alone",
        f.sig.ident
    );
    Command {
        name: f.sig.ident.to_string(),
        docs: docs(&f.attrs),
        args,
        raw_body,
        returns: returns(&f.sig.output, named),
    }
}

fn commands_of(src: &str) -> (Vec<Command>, BTreeSet<String>) {
    let file = syn::parse_file(src).unwrap();
    let mut named = BTreeSet::new();
    let commands = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Fn(f) => is_command(f).map(|attr| command(f, attr, &mut named)),
            _ => None,
        })
        .collect();
    (commands, named)
}

fn wrapper(c: &Command) -> String {
    let mut out = String::new();
    if c.raw_body {
        out.push_str(
            "/** Raw body: `body` goes as the bytes themselves (no JSON), what they are in `headers`.",
        );
        for line in &c.docs {
            out.push_str(&format!("\n * {line}"));
        }
        out.push_str(" */\n");
    } else if !c.docs.is_empty() {
        out.push_str(&format!("/** {}", c.docs[0]));
        for line in &c.docs[1..] {
            out.push_str(&format!("\n * {line}"));
        }
        out.push_str(" */\n");
    }
    let name = camel(&c.name);
    let ret = &c.returns;
    if c.raw_body {
        out.push_str(&format!(
            "export function {name}(body: Uint8Array, headers: Record<string, string>): Promise<{ret}> {{\n  return invoke<{ret}>(\"{}\", body, {{ headers }});\n}}\n",
            c.name
        ));
        return out;
    }
    let params: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    let sent: Vec<&str> = c.args.iter().map(|(n, _)| n.as_str()).collect();
    let payload = if sent.is_empty() {
        String::new()
    } else {
        format!(", {{ {} }}", sent.join(", "))
    };
    out.push_str(&format!(
        "export function {name}({}): Promise<{ret}> {{\n  return invoke<{ret}>(\"{}\"{payload});\n}}\n",
        params.join(", "),
        c.name
    ));
    out
}

/// The whole `ui/src/commands.ts`.
fn typescript(src: &str) -> String {
    let (commands, named) = commands_of(src);
    let mut out = String::from(
        "// Generated from src-tauri/src/commands.rs by `UPDATE_BINDINGS=1 cargo test -p examgate-app --test commands_ts`.\n// Do not edit: `cargo test` fails when this file is stale. One typed wrapper per `#[tauri::command]`;\n// screens call them through ipc.ts. A call rejects with an `IpcError`.\n\n",
    );
    let channel = commands
        .iter()
        .any(|c| c.args.iter().any(|(_, t)| t.starts_with("Channel<")));
    out.push_str(if channel {
        "import { invoke, type Channel } from \"@tauri-apps/api/core\";\n"
    } else {
        "import { invoke } from \"@tauri-apps/api/core\";\n"
    });
    if !named.is_empty() {
        let names: Vec<&str> = named.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "import type {{ {} }} from \"./bindings\";\n",
            names.join(", ")
        ));
    }
    out.push_str(
        "\n/** Every command's name, as Rust registers it. */\nexport const COMMANDS = [\n",
    );
    for c in &commands {
        out.push_str(&format!("  \"{}\",\n", c.name));
    }
    out.push_str("] as const;\n");
    for c in &commands {
        out.push('\n');
        out.push_str(&wrapper(c));
    }
    out
}

#[test]
fn the_typescript_command_wrappers_are_generated_from_the_rust_commands() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/commands.ts");
    let fresh = typescript(&source("src/commands.rs"));
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/commands.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p examgate-app --test commands_ts` and commit it"
    );
}

#[test]
fn a_wrapper_sends_the_arguments_by_their_camel_case_names_and_skips_what_tauri_injects() {
    let src = r#"
        /// Notes it.
        #[tauri::command]
        pub fn note_wrong_room(door: State<'_, Door>, sitting: String, at_room: &str, seats: Vec<Option<u32>>) -> R<()> { x }
        #[tauri::command(rename_all = "snake_case")]
        pub async fn raw_names(app: AppHandle, exam_time: Option<String>) -> R<Vec<CandidateCard>> { x }
        #[tauri::command(async)]
        pub fn take_photo(door: State<'_, Door>, request: Request<'_>) -> R<ActResult> { x }
        #[tauri::command]
        pub fn registration_photo(door: State<'_, Door>) -> R<Response> { x }
        #[tauri::command]
        pub async fn export_archive(app: AppHandle, sitting: String, progress: Channel<ArchiveProgress>) -> R<Option<ArchiveSaved>> { x }
        pub fn helper(a: u8) {}
    "#;
    let ts = typescript(src);
    assert!(ts.contains("import type { ActResult, ArchiveProgress, ArchiveSaved, CandidateCard } from \"./bindings\";"), "{ts}");
    assert!(ts.contains(
        "/** Notes it. */\nexport function noteWrongRoom(sitting: string, atRoom: string, seats: (number | null)[]): Promise<null> {\n  return invoke<null>(\"note_wrong_room\", { sitting, atRoom, seats });\n}"
    ), "{ts}");
    assert!(ts.contains("export function rawNames(exam_time: string | null): Promise<CandidateCard[]> {\n  return invoke<CandidateCard[]>(\"raw_names\", { exam_time });"), "{ts}");
    assert!(ts.contains("export function takePhoto(body: Uint8Array, headers: Record<string, string>): Promise<ActResult> {\n  return invoke<ActResult>(\"take_photo\", body, { headers });"), "{ts}");
    assert!(ts.contains("export function registrationPhoto(): Promise<ArrayBuffer> {\n  return invoke<ArrayBuffer>(\"registration_photo\");"), "{ts}");
    assert!(
        ts.contains("import { invoke, type Channel } from \"@tauri-apps/api/core\";"),
        "{ts}"
    );
    assert!(ts.contains("export function exportArchive(sitting: string, progress: Channel<ArchiveProgress>): Promise<ArchiveSaved | null> {\n  return invoke<ArchiveSaved | null>(\"export_archive\", { sitting, progress });"), "{ts}");
    assert!(!ts.contains("helper"));
}

/// Collects the paths named in `generate_handler![…]`.
#[derive(Default)]
struct Handlers(Vec<String>);

impl<'a> Visit<'a> for Handlers {
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if m.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "generate_handler")
        {
            let paths = m
                .parse_body_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .unwrap();
            self.0.extend(paths.iter().map(|p| {
                p.segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            }));
        }
        syn::visit::visit_macro(self, m);
    }
}

#[test]
fn every_command_is_registered_with_the_handler_and_nothing_else_is() {
    let (commands, _) = commands_of(&source("src/commands.rs"));
    let defined: BTreeSet<String> = commands
        .iter()
        .map(|c| format!("commands::{}", c.name))
        .collect();
    let mut handlers = Handlers::default();
    handlers.visit_file(&syn::parse_file(&source("src/lib.rs")).unwrap());
    let registered: BTreeSet<String> = handlers.0.iter().cloned().collect();
    assert_eq!(
        registered.len(),
        handlers.0.len(),
        "a command is registered twice"
    );
    let unregistered: Vec<_> = defined.difference(&registered).collect();
    let unknown: Vec<_> = registered.difference(&defined).collect();
    assert!(
        unregistered.is_empty() && unknown.is_empty(),
        "commands.rs and generate_handler! differ: not registered {unregistered:?}, registered but not a command {unknown:?}"
    );
    assert!(!defined.is_empty());
}
