//! Standard output and error of the command-line tools. Rust starts every
//! program with SIGPIPE ignored, so a plain `println!` panics when the reader
//! has gone (`xvpc matrix | head`); here a closed pipe ends the process
//! quietly instead, as it ends a Unix tool.

use std::io::Write;

/// The status a shell reports for a tool killed by SIGPIPE (128 + 13): the
/// reader went away, which is not the tool's failure but not a success
/// either (`set -o pipefail` sees it as it sees `yes | head`).
pub const CLOSED_PIPE: i32 = 141;

/// Writes `text` to standard output; a closed pipe ends the process quietly
/// with [`CLOSED_PIPE`], any other failure with a message and status 2.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE);
        }
        stderr(&format!("xvpc: writing standard output: {e}\n"));
        std::process::exit(2);
    }
}

/// Writes `text` to standard error; when that is gone too there is nobody
/// left to tell, so a failure is ignored.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Writes `text` to standard output and ignores failure: for the server's
/// banner, which must not stop a server whose output nobody reads.
pub fn stdout_lossy(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! outln {
    () => { $crate::out::stdout("\n") };
    ($($t:tt)*) => { $crate::out::stdout(&format!("{}\n", format_args!($($t)*))) };
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($t:tt)*) => { $crate::out::stdout(&format!($($t)*)) };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    () => { $crate::out::stderr("\n") };
    ($($t:tt)*) => { $crate::out::stderr(&format!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` that never panics.
macro_rules! err {
    ($($t:tt)*) => { $crate::out::stderr(&format!($($t)*)) };
}
