"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to a
file-system path: `os.Open`/`OpenFile`/`ReadFile`/`WriteFile`/`Create`/`Remove`/`RemoveAll`/
`MkdirAll`/`ReadDir`/`Rename`, `ioutil.ReadFile`/`WriteFile`, `http.ServeFile`, and the file helpers
of gin (`c.File`, `c.FileAttachment`), echo (`c.File`, `c.Attachment`) and fiber (`c.SendFile`,
`c.Download`), also through `filepath.Join` and `path.Join`.

## Why it matters
`../` sequences walk out of the intended directory: `../../etc/passwd` or `../config/app.yaml` is
read and served, and a write or delete through such a path overwrites code, configuration or keys.
`filepath.Join` cleans the joined path but keeps the `..` that leave the base.

## Example
    package main

    import (
        "net/http"
        "os"
        "path/filepath"
    )

    func download(w http.ResponseWriter, r *http.Request) {
        name := r.URL.Query().Get("file")
        data, err := os.ReadFile(filepath.Join("/srv/reports", name))
        if err != nil {
            http.NotFound(w, r)
            return
        }
        w.Write(data)
    }

## Use instead
    package main

    import (
        "net/http"
        "os"
        "path/filepath"
    )

    func download(w http.ResponseWriter, r *http.Request) {
        name := filepath.Base(r.URL.Query().Get("file"))
        data, err := os.ReadFile(filepath.Join("/srv/reports", name))
        if err != nil {
            http.NotFound(w, r)
            return
        }
        w.Write(data)
    }

## Known limitations
A path is accepted after `filepath.Base`, or when a cleaned path (`filepath.Clean`, `filepath.Abs`,
`filepath.Rel` assigned to a variable) is checked with `strings.HasPrefix` before use. `os.Root`
and `http.FileServer(http.Dir(...))` are safe and not sinks. An uploaded file's name
(`header.Filename`) is not reported: mime/multipart keeps only its last element. Unsafe archive
extraction (zip slip) is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "path", doc=__doc__, confidence=Confidence.MEDIUM, coverage="partial",
    coverage_note="file paths from request data; unsafe archive extraction (zip slip) is not checked",
    fix="Reduce a requested name with `filepath.Base`, or clean the joined path and check it stays under "
        "the base directory (`strings.HasPrefix(clean, base+string(os.PathSeparator))`); Go 1.24's "
        "`os.OpenRoot` confines every open to a directory.",
)
