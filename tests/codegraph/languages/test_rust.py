"""Rust extraction: crate paths, impl blocks, traits, attributes, `use` trees, bindings."""

from __future__ import annotations

from codegraph.languages import get_language, language_for
from codegraph.languages.rust import LANGUAGE, module_name
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility
from tests.codegraph.languages import resolved_edges
from tests.conftest import MakeRepo

CALLS, INHERITS, REFS = EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES
PATH = "src/geo/point.rs"
P = PATH + "::"

SOURCE = b"""\
//! Geometry primitives.
//! More.
use std::collections::{HashMap, hash_map::Entry as E};
use crate::util::clamp;
use super::io::*;
use self::inner::Helper;
use std::fmt::{self, Display};
pub use crate::error::Error;

/// A point in space.
/// Second line.
#[derive(Debug, Clone)]
pub struct Point<T> {
    pub x: T,
    cache: Cache,
}

pub(crate) enum Shape { Circle(f64), Square { side: f64 } }

pub trait Draw: Display + fmt::Debug {
    fn draw(&self) -> String;
    fn outline(&self) {}
}

impl<T> Point<T> {
    /// Makes one.
    pub fn new(x: T) -> Self {
        Self::check();
        clamp(1);
        let c: Cache = Cache::default();
        Point { x, cache: c }
    }
    fn check() {}
    const ORIGIN: u8 = 0;
}

impl Draw for Point<i32> {
    fn draw(&self) -> String { self.cache.render(); String::new() }
}

const MAX: usize = 10;
pub static NAME: &str = "geo";

fn free() -> Point<u8> {
    let p = Point::new(1);
    fn nested() {}
    geo::shapes::make(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn works() { free(); }
}
"""


def _symbols(facts: FileFacts) -> list[tuple[object, ...]]:
    return [
        (s.id, s.kind, s.span, s.signature, s.doc, s.decorators, s.visibility)
        for s in facts.symbols
    ]


def test_registry_serves_this_module() -> None:
    assert get_language("rust") is LANGUAGE
    assert language_for("src/lib.rs") is LANGUAGE


def test_symbols_impl_methods_traits_and_inline_modules() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.module == "crate::geo::point"
    pub, priv = Visibility.PUBLIC, Visibility.PRIVATE
    cls, method, var, fn = (
        SymbolKind.CLASS,
        SymbolKind.METHOD,
        SymbolKind.VARIABLE,
        SymbolKind.FUNCTION,
    )
    draw = "fn draw(&self) -> String"
    assert _symbols(facts) == [
        (PATH, SymbolKind.MODULE, (1, 55), "", "Geometry primitives.", (), pub),
        (
            P + "Point",
            cls,
            (13, 16),
            "pub struct Point<T>",
            "A point in space.",
            ("derive(Debug, Clone)",),
            pub,
        ),
        (P + "Shape", cls, (18, 18), "pub(crate) enum Shape", "", (), pub),
        (P + "Draw", cls, (20, 23), "pub trait Draw: Display + fmt::Debug", "", (), pub),
        (P + "Draw.draw", method, (21, 21), draw, "", (), pub),
        (P + "Draw.outline", method, (22, 22), "fn outline(&self)", "", (), pub),
        (P + "Point.new", method, (27, 32), "pub fn new(x: T) -> Self", "Makes one.", (), pub),
        (P + "Point.check", method, (33, 33), "fn check()", "", (), priv),
        (P + "Point.ORIGIN", var, (34, 34), "const ORIGIN: u8 = 0", "", (), priv),
        # a trait implementation's methods are as public as the trait
        (P + "Point.draw", method, (38, 38), draw, "", (), pub),
        (P + "MAX", var, (41, 41), "const MAX: usize = 10", "", (), priv),
        (P + "NAME", var, (42, 42), 'pub static NAME: &str = "geo"', "", (), pub),
        (P + "free", fn, (44, 48), "fn free() -> Point<u8>", "", (), priv),
        (P + "free.nested", fn, (46, 46), "fn nested()", "", (), priv),
        (P + "tests.works", fn, (54, 54), "fn works()", "", ("test",), priv),
    ]


def test_use_trees_are_expanded_and_made_absolute() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(i.scope, i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        (PATH, "std::collections", "HashMap", None, 3),
        (PATH, "std::collections::hash_map", "Entry", "E", 3),
        (PATH, "crate::util", "clamp", None, 4),
        (PATH, "crate::geo::io", "*", None, 5),
        (PATH, "crate::geo::point::inner", "Helper", None, 6),
        (PATH, "std::fmt", None, "fmt", 7),
        (PATH, "std::fmt", "Display", None, 7),
        (PATH, "crate::error", "Error", None, 8),
        # `super` inside `mod tests` is this file's module
        (PATH, "crate::geo::point", "*", None, 52),
    ]


def test_paths_become_dotted_references() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(r.kind, r.scope, r.name, r.line) for r in facts.references] == [
        (REFS, P + "Point", "Cache", 15),
        (INHERITS, P + "Draw", "Display", 20),
        (INHERITS, P + "Draw", "fmt.Debug", 20),
        (CALLS, P + "Point.new", "self.check", 28),
        (CALLS, P + "Point.new", "clamp", 29),
        (REFS, P + "Point.new", "Cache", 30),
        (CALLS, P + "Point.new", "Cache.default", 30),
        (CALLS, P + "Point.new", "Point", 31),
        (INHERITS, P + "Point", "Draw", 37),
        (CALLS, P + "Point.draw", "self.cache.render", 38),
        (REFS, P + "free", "Point", 44),
        (CALLS, P + "free", "Point.new", 45),
        (CALLS, P + "free", "geo.shapes.make", 47),
        (CALLS, P + "tests.works", "free", 54),
    ]


def test_bindings_of_fields_lets_and_results() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    # `x: T` binds a type parameter: left out
    assert facts.bindings == (
        (P + "Point", "cache", "Cache"),
        (P + "Point.new", "return", "Point"),
        (P + "Point.new", "c", "Cache"),
        (P + "Point.draw", "return", "String"),
        (P + "free", "return", "Point"),
        (P + "free", "p", "Point.new"),
    )


def test_module_names_follow_the_crate_layout() -> None:
    assert module_name("src/lib.rs") == "crate"
    assert module_name("src/main.rs") == "crate"
    assert module_name("src/a/b.rs") == "crate::a::b"
    assert module_name("src/a/mod.rs") == "crate::a"
    assert module_name("crates/core/src/search.rs") == "crate::search"
    assert module_name("tests/integration.rs") == "tests/integration"
    assert module_name("build.rs") == "build"


def test_impl_of_a_foreign_type_is_not_inheritance_here() -> None:
    source = b"impl fmt::Display for Remote { fn fmt(&self) {} }\n"
    facts = LANGUAGE.extract("src/x.rs", source)
    assert [s.id for s in facts.symbols] == ["src/x.rs", "src/x.rs::Remote.fmt"]
    assert [r.kind for r in facts.references] == []


def test_broken_syntax_keeps_what_tree_sitter_recovered() -> None:
    source = b"pub fn ok() { run(); }\nimpl for {\nfn half( {\n"
    facts = LANGUAGE.extract("src/broken.rs", source)
    assert [s.id for s in facts.symbols][:2] == ["src/broken.rs", "src/broken.rs::ok"]
    calls = {(r.kind, r.scope, r.name) for r in facts.references}
    assert (CALLS, "src/broken.rs::ok", "run") in calls


def test_non_utf8_source_is_decoded_with_replacement() -> None:
    source = b'/// Does \xff\xfe things.\nfn g() { h("\xe9"); }\n'
    facts = LANGUAGE.extract("src/bytes.rs", source)
    assert [(s.id, s.doc) for s in facts.symbols] == [
        ("src/bytes.rs", ""),
        ("src/bytes.rs::g", "Does \ufffd\ufffd things."),
    ]
    assert [r.name for r in facts.references] == ["h"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 450  # 900 brackets deep: under `_ts.MAX_NESTING`, thousands of tree levels
    source = b"fn f() {" + b"g(|| {" * depth + b"});" * depth + b"}\n"
    facts = LANGUAGE.extract("src/deep.rs", source)
    assert [s.id for s in facts.symbols] == ["src/deep.rs", "src/deep.rs::f"]
    assert {(r.scope, r.name) for r in facts.references} == {("src/deep.rs::f", "g")}


def test_two_files_using_each_other_resolve_end_to_end(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "src/lib.rs": (
                "pub mod shapes;\n"
                "use crate::shapes::{Point, Draw};\n"
                "pub fn top() {}\n"
                "pub fn run() { let p = Point::new(); p.draw(); }\n"
                "pub fn via_path() { shapes::Point::new(); }\n"
            ),
            "src/shapes.rs": (
                "use crate::top;\n"
                "pub trait Draw { fn draw(&self); }\n"
                "pub struct Point;\n"
                "impl Point { pub fn new() -> Self { top(); Point } fn helper(&self) {} }\n"
                "impl Draw for Point { fn draw(&self) { self.helper(); } }\n"
            ),
        }
    )
    assert resolved_edges(root) >= {
        (CALLS, "src/lib.rs::run", "src/shapes.rs::Point.new"),
        (CALLS, "src/lib.rs::run", "src/shapes.rs::Point.draw"),
        (CALLS, "src/lib.rs::via_path", "src/shapes.rs::Point.new"),
        (CALLS, "src/shapes.rs::Point.new", "src/lib.rs::top"),
        (CALLS, "src/shapes.rs::Point.draw", "src/shapes.rs::Point.helper"),
        (INHERITS, "src/shapes.rs::Point", "src/shapes.rs::Draw"),
        (EdgeKind.IMPORTS, "src/lib.rs", "src/shapes.rs::Point"),
        (EdgeKind.IMPORTS, "src/lib.rs", "src/shapes.rs"),
        (EdgeKind.IMPORTS, "src/shapes.rs", "src/lib.rs::top"),
    }


def test_module_declarations_bring_the_submodule_into_scope() -> None:
    source = b"pub mod shapes;\nmod inner { mod deep; }\n"
    facts = LANGUAGE.extract("src/geo/mod.rs", source)
    assert [(i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        ("crate::geo::shapes", None, "shapes", 1),
        ("crate::geo::inner::deep", None, "deep", 2),
    ]
