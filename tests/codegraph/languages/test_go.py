"""Go extraction: packages as directories, receivers, embedding, imports and bindings."""

from __future__ import annotations

from codegraph.languages import get_language, language_for
from codegraph.languages.go import LANGUAGE, module_name
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility
from tests.codegraph.languages import resolved_edges
from tests.conftest import MakeRepo

CALLS, INHERITS, REFS = EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES
PATH = "pkg/store/store.go"
P = PATH + "::"

SOURCE = b"""\
// Package store keeps items.
// It is safe for concurrent use.
package store

import (
\t"fmt"
\tstr "strings"
\t"github.com/acme/kit/v2"
\t_ "embed"
)

// Store holds items.
// More text.
type Store struct {
\tBase
\t*log.Logger
\titems map[string]Item
\tmu    sync.Mutex
}

type getter interface {
\tio.Reader
\tGet(key string) (Item, error)
}

type (
\tID = int
\t// Pair is generic.
\tPair[T any] struct{ a, b T }
)

const Max = 10

var (
\thits, misses int = 0, 0
\tErrMissing = errors.New("missing")
)

// New makes a Store.
func New[T any](n int) (*Store, error) {
\ts := &Store{}
\ts.init()
\tfmt.Println(str.ToUpper("x"), n)
\treturn s, nil
}

func (s *Store) Get(key string) (Item, error) {
\tv := s.items[key]
\ts.Base.touch()
\tother := kit.NewThing()
\tvar t Thing
\tf := func() { s.flush(other, t) }
\tf()
\treturn v, nil
}
"""


def _symbols(facts: FileFacts) -> list[tuple[object, ...]]:
    return [(s.id, s.kind, s.span, s.signature, s.doc, s.visibility) for s in facts.symbols]


def test_registry_serves_this_module() -> None:
    assert get_language("go") is LANGUAGE
    assert language_for("cmd/main.go") is LANGUAGE


def test_symbols_methods_by_receiver_and_exported_names() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.module == "pkg/store"
    pub, priv = Visibility.PUBLIC, Visibility.PRIVATE
    cls, var = SymbolKind.CLASS, SymbolKind.VARIABLE
    hits = "var hits, misses int = 0, 0"
    assert _symbols(facts) == [
        (PATH, SymbolKind.MODULE, (1, 55), "", "Package store keeps items.", pub),
        (P + "Store", cls, (14, 19), "type Store struct", "Store holds items.", pub),
        (P + "getter", cls, (21, 24), "type getter interface", "", priv),
        (P + "getter.Get", SymbolKind.METHOD, (23, 23), "Get(key string) (Item, error)", "", pub),
        (P + "ID", cls, (27, 27), "type ID = int", "", pub),
        (P + "Pair", cls, (29, 29), "type Pair[T any] struct", "Pair is generic.", pub),
        (P + "Max", var, (32, 32), "const Max = 10", "", pub),
        (P + "hits", var, (35, 35), hits, "", priv),
        (P + "misses", var, (35, 35), hits, "", priv),
        (P + "ErrMissing", var, (36, 36), 'var ErrMissing = errors.New("missing")', "", pub),
        (
            P + "New",
            SymbolKind.FUNCTION,
            (40, 45),
            "func New[T any](n int) (*Store, error)",
            "New makes a Store.",
            pub,
        ),
        (
            P + "Store.Get",
            SymbolKind.METHOD,
            (47, 55),
            "func (s *Store) Get(key string) (Item, error)",
            "",
            pub,
        ),
    ]


def test_imports_keep_the_path_and_name_the_package() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(i.scope, i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        (PATH, "fmt", None, None, 6),
        (PATH, "strings", None, "str", 7),
        # an unaliased import binds the package's last path element (before /vN)
        (PATH, "github.com/acme/kit/v2", None, "kit", 8),
        (PATH, "embed", None, "_", 9),
    ]


def test_receiver_calls_embedding_and_type_uses() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    # built-in types and type parameters are not references
    assert [(r.kind, r.scope, r.name, r.line) for r in facts.references] == [
        (INHERITS, P + "Store", "Base", 15),
        (INHERITS, P + "Store", "log.Logger", 16),
        (REFS, P + "Store", "Item", 17),
        (REFS, P + "Store", "sync.Mutex", 18),
        (INHERITS, P + "getter", "io.Reader", 22),
        (REFS, P + "getter.Get", "Item", 23),
        (CALLS, PATH, "errors.New", 36),
        (REFS, P + "New", "Store", 40),
        (CALLS, P + "New", "Store", 41),
        (CALLS, P + "New", "s.init", 42),
        (CALLS, P + "New", "fmt.Println", 43),
        (CALLS, P + "New", "str.ToUpper", 43),
        (REFS, P + "Store.Get", "Store", 47),
        (REFS, P + "Store.Get", "Item", 47),
        (CALLS, P + "Store.Get", "self.Base.touch", 49),
        (CALLS, P + "Store.Get", "kit.NewThing", 50),
        (REFS, P + "Store.Get", "Thing", 51),
        (CALLS, P + "Store.Get", "self.flush", 52),
        (CALLS, P + "Store.Get", "f", 53),
    ]


def test_bindings_of_locals_and_results() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.bindings == (
        (P + "New", "return", "Store"),
        (P + "New", "s", "Store"),
        (P + "Store.Get", "return", "Item"),
        (P + "Store.Get", "other", "kit.NewThing"),
        (P + "Store.Get", "t", "Thing"),
    )


def test_module_is_the_package_directory() -> None:
    assert module_name("pkg/store/store.go") == "pkg/store"
    assert module_name("main.go") == "."


def test_broken_syntax_keeps_what_tree_sitter_recovered() -> None:
    source = b"package x\n\nfunc Ok() { run() }\n\nfunc (s *S) Half( {\n"
    facts = LANGUAGE.extract("x/broken.go", source)
    assert [s.id for s in facts.symbols][:2] == ["x/broken.go", "x/broken.go::Ok"]
    assert (CALLS, "x/broken.go::Ok", "run") in {
        (r.kind, r.scope, r.name) for r in facts.references
    }


def test_non_utf8_source_is_decoded_with_replacement() -> None:
    source = b'package x\n\n// G does \xff\xfe things.\nfunc G() { h("\xe9") }\n'
    facts = LANGUAGE.extract("x/bytes.go", source)
    assert [(s.id, s.doc) for s in facts.symbols] == [
        ("x/bytes.go", ""),
        ("x/bytes.go::G", "G does \ufffd\ufffd things."),
    ]
    assert [r.name for r in facts.references] == ["h"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 450  # 900 brackets deep: under `_ts.MAX_NESTING`, thousands of tree levels
    source = b"package x\nfunc f() {" + b"g(func() {" * depth + b"})" * depth + b"}\n"
    facts = LANGUAGE.extract("x/deep.go", source)
    assert [s.id for s in facts.symbols] == ["x/deep.go", "x/deep.go::f"]
    assert {(r.scope, r.name) for r in facts.references} == {("x/deep.go::f", "g")}


def test_two_files_resolve_embedding_promoted_methods_and_literals(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "store/base.go": (
                "package store\n\ntype Base struct{}\n\nfunc (b *Base) Close() {}\n\n"
                "func (b *Base) Reset() { b.Close() }\n"
            ),
            "store/store.go": (
                "package store\n\n"
                "type Store struct {\n\tBase\n}\n\n"
                "func New() *Store { return &Store{} }\n\n"
                "func (s *Store) Get() { s.Close(); s.Put() }\n\n"
                "func (s *Store) Put() {}\n"
            ),
        }
    )
    edges = resolved_edges(root)
    assert {
        (CALLS, "store/base.go::Base.Reset", "store/base.go::Base.Close"),
        (CALLS, "store/store.go::New", "store/store.go::Store"),
        (CALLS, "store/store.go::Store.Get", "store/store.go::Store.Put"),
    } <= edges


def test_predeclared_functions_and_conversions_are_left_out() -> None:
    source = (
        b"package x\n\n"
        b"func f(b []byte) int {\n"
        b"\ts := string(b); m := make(map[string]int); g(s, m); return len(b)\n}\n"
    )
    facts = LANGUAGE.extract("x/f.go", source)
    assert [(r.kind, r.name) for r in facts.references] == [(CALLS, "g")]
