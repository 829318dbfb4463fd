//! Small helpers of the CLI: atomic output files and I/O error wording.
//!
//! Responsible for: writing an output file so that it is either complete
//! or absent (temporary file in the same directory, then rename). Not
//! responsible for: what is written.

use std::io::Write;
use std::path::Path;

/// A short, lowercase reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over `path`. If anything
/// fails, `path` is untouched and the temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let show = path.display();
    let mut tmp = tempfile::Builder::new()
        .prefix(".takst-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("{show}: cannot create a temporary file: {}", io_reason(&e)))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("{show}: cannot write: {}", io_reason(&e)))?;
    tmp.persist(path)
        .map_err(|e| format!("{show}: cannot replace the file: {}", io_reason(&e.error)))?;
    Ok(())
}

/// The environment variable that makes takst print how long each phase of
/// a run took (for profiling; see docs/PERFORMANCE.md).
pub const TIMINGS_VAR: &str = "TAKST_TIMINGS";

/// With `TAKST_TIMINGS` set, prints `timing: PHASE S s` (seconds since
/// the previous phase) to stderr. Phases are named by the code, never by
/// data: no id is printed.
pub fn phase(name: &str) {
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;
    static ON: OnceLock<bool> = OnceLock::new();
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    if !*ON.get_or_init(|| std::env::var_os(TIMINGS_VAR).is_some()) {
        return;
    }
    let now = Instant::now();
    if let Ok(mut last) = LAST.lock() {
        let since = last.map(|l| now - l).unwrap_or_default();
        eprintln!("timing: {name} {:.3} s", since.as_secs_f64());
        *last = Some(now);
    }
}
