//! Commands with a hard timeout: each runs in its own process group, which is killed when the
//! time is up or when its handle is dropped, so no test can hang or leak a process.

use super::{require, shim_lib, TempDir, DEFAULT_TIMEOUT};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What a program reads on stdin.
enum Input {
    Null,
    File(PathBuf),
    OpenPipe,
}

/// A command to run, optionally inside a network namespace and with the shim preloaded.
pub struct Cmd {
    netns: Option<String>,
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    preload: bool,
    stdin: Input,
    stdout: Option<PathBuf>,
    dir: Option<PathBuf>,
    timeout: Duration,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            netns: None,
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
            preload: false,
            stdin: Input::Null,
            stdout: None,
            dir: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn netns(mut self, name: &str) -> Cmd {
        self.netns = Some(name.to_owned());
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cmd {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Preload libsctpshim.so into the program (not into `ip` itself).
    pub fn preload(mut self, on: bool) -> Cmd {
        self.preload = on;
        self
    }

    /// Feed the program this file on stdin (default: /dev/null).
    pub fn stdin_file(mut self, path: &Path) -> Cmd {
        self.stdin = Input::File(path.to_owned());
        self
    }

    /// Give the program a stdin pipe that stays open, without data, until the program ends (for
    /// servers that quit at stdin's EOF, such as ncat in SCTP listen mode).
    pub fn stdin_open(mut self) -> Cmd {
        self.stdin = Input::OpenPipe;
        self
    }

    /// Send the program's stdout to this file instead of capturing it.
    pub fn stdout_file(mut self, path: &Path) -> Cmd {
        self.stdout = Some(path.to_owned());
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Cmd {
        self.dir = Some(dir.to_owned());
        self
    }

    /// Hard time limit, counted from spawn.
    pub fn timeout(mut self, limit: Duration) -> Cmd {
        self.timeout = limit;
        self
    }

    /// A short description for failure messages.
    fn label(&self) -> String {
        let mut label = String::new();
        if self.preload {
            label.push_str("[shim] ");
        }
        label.push_str(&self.program.to_string_lossy());
        for a in &self.args {
            label.push(' ');
            label.push_str(&a.to_string_lossy());
        }
        label
    }

    /// Starts the program in its own process group.
    pub fn spawn(self) -> Running {
        let label = self.label();
        let logs = TempDir::new("cmd");
        let stdout_path = self.stdout.clone().unwrap_or_else(|| logs.join("stdout"));
        let stderr_path = logs.join("stderr");
        let mut command = match &self.netns {
            Some(ns) => {
                let mut c = Command::new(require("ip"));
                c.args(["netns", "exec", ns]);
                if self.preload {
                    c.arg(require("env"));
                    c.arg(preload_assignment());
                }
                c.arg(&self.program);
                c
            }
            None => {
                let mut c = Command::new(&self.program);
                if self.preload {
                    c.env("LD_PRELOAD", shim_lib());
                }
                c
            }
        };
        command.args(&self.args).envs(self.envs.iter().cloned());
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        let stdin = match &self.stdin {
            Input::File(p) => {
                Stdio::from(File::open(p).unwrap_or_else(|e| panic!("open {}: {e}", p.display())))
            }
            // The write end stays in Child::stdin, open until the Running is dropped.
            Input::OpenPipe => Stdio::piped(),
            Input::Null => Stdio::null(),
        };
        let create =
            |p: &Path| File::create(p).unwrap_or_else(|e| panic!("create {}: {e}", p.display()));
        command
            .stdin(stdin)
            .stdout(create(&stdout_path))
            .stderr(create(&stderr_path))
            .process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{label}`: {e}"));
        Running {
            child,
            label,
            stdout_path,
            stdout_captured: self.stdout.is_none(),
            stderr_path,
            _logs: logs,
            deadline: Instant::now() + self.timeout,
            timeout: self.timeout,
            finished: None,
        }
    }

    /// Runs the program to completion (or panics at its timeout) and returns what it did.
    pub fn run(self) -> Output {
        self.spawn().wait()
    }
}

fn preload_assignment() -> OsString {
    let mut s = OsString::from("LD_PRELOAD=");
    s.push(shim_lib());
    s
}

/// A started program; dropping it kills its process group.
pub struct Running {
    child: Child,
    label: String,
    stdout_path: PathBuf,
    stdout_captured: bool,
    stderr_path: PathBuf,
    _logs: TempDir,
    deadline: Instant,
    timeout: Duration,
    finished: Option<ExitStatus>,
}

impl Running {
    fn kill_group(&mut self) {
        if self.finished.is_none() {
            // SAFETY: the child leads its own process group (process_group(0)), not yet reaped.
            unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
            self.finished = self.child.wait().ok();
        }
    }

    fn poll(&mut self) -> Option<ExitStatus> {
        if self.finished.is_none() {
            self.finished = self.child.try_wait().ok().flatten();
        }
        self.finished
    }

    /// stdout (if captured) and stderr as they are now.
    pub fn output_so_far(&self) -> String {
        let mut s = String::new();
        if self.stdout_captured {
            s.push_str(&std::fs::read_to_string(&self.stdout_path).unwrap_or_default());
        }
        s.push_str(&std::fs::read_to_string(&self.stderr_path).unwrap_or_default());
        s
    }

    fn collect(&self, status: ExitStatus) -> Output {
        let read =
            |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
        Output {
            label: self.label.clone(),
            status,
            stdout: if self.stdout_captured {
                read(&self.stdout_path)
            } else {
                String::new()
            },
            stderr: read(&self.stderr_path),
        }
    }

    /// Waits until stdout or stderr contains `needle` (e.g. a server's "listening" line).
    /// Panics if the program exits first or `within` passes.
    pub fn wait_for_output(&mut self, needle: &str, within: Duration) {
        let until = Instant::now() + within;
        loop {
            if self.output_so_far().contains(needle) {
                return;
            }
            if let Some(status) = self.poll() {
                panic!(
                    "`{}` exited before printing {needle:?}\n{}",
                    self.label,
                    self.collect(status)
                );
            }
            if Instant::now() >= until {
                self.kill_group();
                panic!(
                    "`{}` did not print {needle:?} within {within:?}\nso far:\n{}",
                    self.label,
                    self.output_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the program to exit; at its deadline kills its process group and panics.
    pub fn wait(mut self) -> Output {
        loop {
            if let Some(status) = self.poll() {
                return self.collect(status);
            }
            if Instant::now() >= self.deadline {
                self.kill_group();
                panic!(
                    "`{}` timed out after {:?}; killed its process group\nso far:\n{}",
                    self.label,
                    self.timeout,
                    self.output_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Ends a program that would run forever (a server): SIGTERM to its group, then SIGKILL
    /// after a grace period. Returns its output.
    pub fn stop(mut self) -> Output {
        if self.poll().is_none() {
            // SAFETY: the child leads its own process group and is not reaped yet.
            unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
            let grace = Instant::now() + Duration::from_secs(3);
            while self.poll().is_none() && Instant::now() < grace {
                std::thread::sleep(Duration::from_millis(10));
            }
            self.kill_group();
        }
        let status = self.finished.expect("child reaped");
        self.collect(status)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill_group();
    }
}

/// What a finished program did.
#[derive(Debug)]
pub struct Output {
    pub label: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics with the program's output unless it exited with status 0.
    pub fn assert_success(&self) -> &Output {
        assert!(self.status.success(), "`{}` failed\n{self}", self.label);
        self
    }

    /// Panics unless it exited (not killed by a signal) with a non-zero status.
    pub fn assert_failure(&self) -> &Output {
        assert!(
            self.status.code().is_some_and(|c| c != 0),
            "`{}` was expected to fail cleanly\n{self}",
            self.label
        );
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => writeln!(f, "exit status {code}")?,
            (None, Some(sig)) => writeln!(f, "killed by signal {sig}")?,
            _ => writeln!(f, "status {:?}", self.status)?,
        }
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr ---\n{}", self.stderr.trim_end())
    }
}
