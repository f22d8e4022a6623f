//! What every command shares: exit codes, reading files, loading a pack folder, and
//! printing an error at its file, line and column with the offending text.
//!
//! This module is also compiled into `examples/check_pack.rs` and
//! `examples/decide_json.rs` (with `#[path]`), which are thin wrappers over the commands,
//! so it uses nothing but the library, `serde_json` and `std`.

use std::fmt;
use std::path::{Path, PathBuf};

use lgsp_policy::{PackError, RulePack};

/// Exit code: everything asked held (the pack loads and its tests pass, every request was
/// decided, every property was proved, two packs are equivalent).
pub const OK: u8 = 0;
/// Exit code: the pack loads but a test case failed, coverage was required and not met, a
/// property was refuted (or could not be decided), or two packs differ.
pub const FAILED: u8 = 1;
/// Exit code: the input is broken: a manifest, a policy, a test file, a world, a request
/// or a properties file.
pub const BROKEN: u8 = 2;
/// Exit code: usage or I/O: bad arguments, a file or folder that cannot be read or
/// written, no solver.
pub const USAGE: u8 = 3;

/// A command's failure: the exit code it maps to and what to print on standard error.
#[derive(Debug)]
pub struct Failure {
    /// One of [`BROKEN`] or [`USAGE`] (or [`FAILED`]).
    pub code: u8,
    /// The message, already located (`file:line:column: error: …`).
    pub message: String,
}

impl Failure {
    /// A usage or I/O failure.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// Broken input.
    pub fn broken(message: impl Into<String>) -> Self {
        Failure {
            code: BROKEN,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads a text file; the error names the file.
pub fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

/// Writes a text file, creating its folder; the error names the file.
pub fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

/// `file:line:column: error: message`, then the source line and a caret under the column,
/// as the pack loader prints its diagnostics. Line and column are 1-based; a line past the
/// end of the text (or 0) prints no source line.
pub fn located(file: &str, text: &str, line: usize, column: usize, message: &str) -> String {
    let mut out = format!("{file}:{line}:{column}: error: {message}");
    if let Some(source) = line.checked_sub(1).and_then(|n| text.lines().nth(n)) {
        let number = line.to_string();
        let caret = " ".repeat(column.saturating_sub(1).min(source.chars().count()));
        out.push_str(&format!(
            "\n {number} | {source}\n {} | {caret}^",
            " ".repeat(number.len())
        ));
    }
    out
}

/// Locates a JSON error of the library (`… JSON, line L, column C: message`) in its file.
/// Other errors are printed after the file name.
pub fn located_json_error(file: &str, text: &str, error: &dyn fmt::Display) -> String {
    let message = error.to_string();
    match json_position(&message) {
        Some((line, column, rest)) => located(file, text, line, column, rest),
        None => format!("{file}: error: {message}"),
    }
}

/// Finds `line L, column C: rest` in a library error message.
fn json_position(message: &str) -> Option<(usize, usize, &str)> {
    let start = message.find("line ")?;
    let tail = message.get(start + "line ".len()..)?;
    let (line, tail) = tail.split_once(", column ")?;
    let (column, rest) = tail.split_once(": ")?;
    Some((line.parse().ok()?, column.parse().ok()?, rest))
}

/// The pack folder's files as the loader wants them: `pack.json` and the policy files it
/// lists, by name. A listed file that is missing is left out; the loader then reports it
/// against `pack.json`.
#[derive(Debug)]
pub struct PackSources {
    /// `pack.json`'s text.
    pub manifest: String,
    /// `(name, text)` of every listed policy file that could be read.
    pub files: Vec<(String, String)>,
}

impl PackSources {
    /// Reads `pack.json` and the files it lists.
    ///
    /// # Errors
    ///
    /// A usage failure when `pack.json` cannot be read.
    pub fn read(folder: &Path) -> Result<Self, Failure> {
        let manifest = read(&folder.join("pack.json"))?;
        let listed: Vec<String> = serde_json::from_str::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|m| m.get("policies").cloned())
            .and_then(|p| serde_json::from_value(p).ok())
            .unwrap_or_default();
        let files = listed
            .iter()
            .filter_map(|name| {
                std::fs::read_to_string(folder.join(name))
                    .ok()
                    .map(|text| (name.clone(), text))
            })
            .collect();
        Ok(PackSources { manifest, files })
    }

    /// Loads the pack.
    ///
    /// # Errors
    ///
    /// The loader's [`PackError`], with every diagnostic located.
    pub fn load(&self) -> Result<RulePack, PackError> {
        RulePack::from_sources(&self.manifest, self.files.clone())
    }
}

/// Reads and loads a pack folder; a broken pack is a [`BROKEN`] failure listing every
/// diagnostic (file, line, column, source line).
pub fn load_pack(folder: &Path) -> Result<RulePack, Failure> {
    PackSources::read(folder)?
        .load()
        .map_err(|e| Failure::broken(pack_error_text(folder, &e)))
}

/// A pack error as text: every diagnostic on its own lines, or the error itself.
pub fn pack_error_text(folder: &Path, e: &PackError) -> String {
    match e {
        PackError::Policies(diags) => {
            let mut lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
            lines.push(format!("pack {}: does not load", folder.display()));
            lines.join("\n")
        }
        other => format!("{}/pack.json: error: {other}", folder.display()),
    }
}

/// Files of `dir` whose names end with `suffix`, sorted by name (none if the folder is
/// missing).
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    files.sort();
    files
}

/// Pretty JSON, or the serialisation error as a string (it cannot fail for our values).
pub fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_a_json_error_with_its_line_and_caret() {
        let text = "{\n  \"territory\": 3\n}";
        let out = located_json_error(
            "w.json",
            text,
            &"world JSON, line 2, column 16: invalid type",
        );
        assert_eq!(
            out,
            "w.json:2:16: error: invalid type\n 2 |   \"territory\": 3\n   |                ^"
        );
        assert_eq!(
            located_json_error("w.json", text, &"no position"),
            "w.json: error: no position"
        );
    }
}
