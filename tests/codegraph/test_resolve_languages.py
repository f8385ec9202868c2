"""The resolver on other languages' facts: Go packages, Java packages, TypeScript modules."""

from __future__ import annotations

from pathlib import Path

from codegraph.languages import language_for
from codegraph.model import EdgeKind, FileFacts
from codegraph.resolve import SymbolTable, resolve_file

FILES = {
    "gosvc/go.mod": "module example.com/gosvc\n",
    "gosvc/store/store.go": (
        "package store\n"
        "type Store struct{}\n"
        "func New() *Store { return &Store{} }\n"
        "func (s *Store) Save() { s.flush() }\n"
        "func (s *Store) flush() {}\n"
        "func Use() int { return Helper() }\n"
    ),
    "gosvc/store/extra.go": "package store\nfunc Helper() int { return 1 }\n",
    "gosvc/main.go": (
        'package main\nimport "example.com/gosvc/store"\nfunc main() { store.New() }\n'
    ),
    "src/main/java/com/acme/util/Helper.java": (
        "package com.acme.util;\n"
        "public class Helper {\n"
        "    public static int twice(int x) { return x * 2; }\n"
        "    public void go() {}\n"
        "}\n"
    ),
    "src/main/java/com/acme/App.java": (
        "package com.acme;\n"
        "import com.acme.util.Helper;\n"
        "public class App extends Helper {\n"
        "    public void main() { Helper.twice(3); this.go(); }\n"
        "}\n"
    ),
    "src/main/java/com/acme/Other.java": (
        "package com.acme;\n"
        "public class Other { public void x() { App a = new App(); a.main(); } }\n"
    ),
    "web/util.ts": (
        "export function fmt(x: number): string { return String(x); }\n"
        "export class Box { open(): void {} }\n"
    ),
    "web/main.ts": (
        "import { fmt, Box } from './util';\n"
        "import * as u from './util';\n"
        "class Big extends Box { run() { this.open(); } }\n"
        "export function main() { fmt(1); u.fmt(2); }\n"
    ),
}


def _resolve(root: Path) -> set[tuple[str, str, str]]:
    facts: dict[str, FileFacts] = {}
    for path in sorted(FILES):
        language = language_for(path)
        if language is not None:
            facts[path] = language.extract(path, (root / path).read_bytes())
    table = SymbolTable.build(facts)
    return {
        (e.kind.value, e.source, e.target)
        for f in facts.values()
        for e in resolve_file(table, f).edges
        if e.kind is not EdgeKind.CONTAINS
    }


def test_go_java_and_typescript_resolve_across_files(make_repo):
    edges = _resolve(make_repo(FILES))
    expected = {
        ("imports", "gosvc/main.go", "gosvc/store/store.go"),
        ("calls", "gosvc/main.go::main", "gosvc/store/store.go::New"),
        ("calls", "gosvc/store/store.go::Store.Save", "gosvc/store/store.go::Store.flush"),
        ("calls", "gosvc/store/store.go::Use", "gosvc/store/extra.go::Helper"),
        (
            "inherits",
            "src/main/java/com/acme/App.java::App",
            "src/main/java/com/acme/util/Helper.java::Helper",
        ),
        (
            "calls",
            "src/main/java/com/acme/App.java::App.main",
            "src/main/java/com/acme/util/Helper.java::Helper.twice",
        ),
        (
            "calls",
            "src/main/java/com/acme/App.java::App.main",
            "src/main/java/com/acme/util/Helper.java::Helper.go",
        ),
        (
            "calls",
            "src/main/java/com/acme/Other.java::Other.x",
            "src/main/java/com/acme/App.java::App.main",
        ),
        ("inherits", "web/main.ts::Big", "web/util.ts::Box"),
        ("calls", "web/main.ts::Big.run", "web/util.ts::Box.open"),
        ("calls", "web/main.ts::main", "web/util.ts::fmt"),
    }
    assert expected <= edges
