"""JavaScript extraction: symbols, imports, references and bindings of single files."""

from __future__ import annotations

from codegraph.languages import get_language, language_for
from codegraph.languages.javascript import LANGUAGE, module_name, resolve_specifier
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility
from tests.codegraph.languages import resolved_edges
from tests.conftest import MakeRepo

CALLS, INHERITS = EdgeKind.CALLS, EdgeKind.INHERITS
PATH = "src/ui/widget.js"

SOURCE = b"""\
import def, { a as b, c } from './x';
import * as ns from "../lib/z.js";
import 'side-effect';
export { q } from './q';
export * from './w';
const r = require('lodash');
const { p, s: t } = require('./pp');

/** The widget.
 * Long description. */
export class Widget extends base.Base {
  #secret = 1;
  static count = 2;
  onClick = (e) => { this.handle(e); };
  constructor(x) {
    super(x);
    this.store = new Store();
  }
  // plain comment, not a doc
  async *items() { yield* helper(ns.load()); }
  #hide() {
    function inner() { deep(); }
    return inner();
  }
}

export default function main(a, b = 2) {
  const w = new Widget(a);
  w.render();
  super.nope;
}
const arrow = async (x) => x;
let v = 1, fn = function named() {};
export const table = { m() { inTable(); } };
"""


def _symbols(facts: FileFacts) -> list[tuple[object, ...]]:
    return [
        (s.id, s.kind, s.span, s.signature, s.doc, s.decorators, s.visibility)
        for s in facts.symbols
    ]


def test_registry_serves_this_module() -> None:
    assert get_language("javascript") is LANGUAGE
    for path in ("a.js", "b.jsx", "c.mjs", "d.cjs"):
        assert language_for(path) is LANGUAGE


def test_symbols_in_source_order_with_headers_docs_and_visibility() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.language == "javascript"
    assert facts.module == "src/ui/widget"
    w = PATH + "::Widget"
    pub, priv = Visibility.PUBLIC, Visibility.PRIVATE
    assert _symbols(facts) == [
        (PATH, SymbolKind.MODULE, (1, 34), "", "", (), pub),
        (w, SymbolKind.CLASS, (11, 25), "class Widget extends base.Base", "The widget.", (), pub),
        (w + ".#secret", SymbolKind.VARIABLE, (12, 12), "#secret = 1", "", (), priv),
        (w + ".count", SymbolKind.VARIABLE, (13, 13), "static count = 2", "", (), pub),
        (w + ".onClick", SymbolKind.METHOD, (14, 14), "onClick = (e) =>", "", (), pub),
        (w + ".constructor", SymbolKind.METHOD, (15, 18), "constructor(x)", "", (), pub),
        (w + ".items", SymbolKind.METHOD, (20, 20), "async *items()", "", (), pub),
        (w + ".#hide", SymbolKind.METHOD, (21, 24), "#hide()", "", (), priv),
        (w + ".#hide.inner", SymbolKind.FUNCTION, (22, 22), "function inner()", "", (), pub),
        (PATH + "::main", SymbolKind.FUNCTION, (27, 31), "function main(a, b = 2)", "", (), pub),
        (
            PATH + "::arrow",
            SymbolKind.FUNCTION,
            (32, 32),
            "const arrow = async (x) =>",
            "",
            (),
            pub,
        ),
        (PATH + "::v", SymbolKind.VARIABLE, (33, 33), "let v = 1", "", (), pub),
        (PATH + "::fn", SymbolKind.FUNCTION, (33, 33), "let fn = function named()", "", (), pub),
        (
            PATH + "::table",
            SymbolKind.VARIABLE,
            (34, 34),
            "const table = { m() { inTable(); } }",
            "",
            (),
            pub,
        ),
    ]


def test_imports_resolve_relative_specifiers_into_the_module_namespace() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(i.scope, i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        (PATH, "src/ui/x", "default", "def", 1),
        (PATH, "src/ui/x", "a", "b", 1),
        (PATH, "src/ui/x", "c", None, 1),
        (PATH, "src/lib/z", None, "ns", 2),
        (PATH, "side-effect", None, None, 3),
        (PATH, "src/ui/q", "q", None, 4),
        (PATH, "src/ui/w", "*", None, 5),
        (PATH, "lodash", "default", "r", 6),
        (PATH, "src/ui/pp", "p", None, 7),
        (PATH, "src/ui/pp", "s", "t", 7),
    ]


def test_references_are_scoped_to_the_innermost_symbol() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    w = PATH + "::Widget"
    assert [(r.kind, r.scope, r.name, r.line) for r in facts.references] == [
        (INHERITS, w, "base.Base", 11),
        (CALLS, w + ".onClick", "self.handle", 14),
        (CALLS, w + ".constructor", "super().constructor", 16),
        (CALLS, w + ".constructor", "Store", 17),
        (CALLS, w + ".items", "helper", 20),
        (CALLS, w + ".items", "ns.load", 20),
        (CALLS, w + ".#hide.inner", "deep", 22),
        (CALLS, w + ".#hide", "inner", 23),
        (CALLS, PATH + "::main", "Widget", 28),
        (CALLS, PATH + "::main", "w.render", 29),
        (CALLS, PATH, "inTable", 34),
    ]
    assert facts.bindings == (
        (w + ".constructor", "self.store", "Store"),
        (PATH + "::main", "w", "Widget"),
    )


def test_module_names_and_specifiers() -> None:
    assert module_name("src/util/index.js") == "src/util/index"
    assert module_name("lib.mjs") == "lib"
    assert resolve_specifier("src/a/b.js", "./c") == "src/a/c"
    assert resolve_specifier("src/a/b.js", "../c/d.jsx") == "src/c/d"
    assert resolve_specifier("src/a/b.js", ".") == "src/a"
    assert resolve_specifier("main.js", "./x.cjs") == "x"
    assert resolve_specifier("src/a/b.js", "lodash/fp") == "lodash/fp"
    assert resolve_specifier("src/a/b.js", "@scope/pkg") == "@scope/pkg"


def test_super_and_this_chains_are_normalized() -> None:
    source = b"class A extends B { m() { super.m(); this.x.y(); (this).z(); f()(); } }\n"
    facts = LANGUAGE.extract("a.js", source)
    assert [r.name for r in facts.references if r.kind is CALLS] == [
        "super().m",
        "self.x.y",
        "self.z",
        "f",
    ]


def test_broken_syntax_keeps_what_tree_sitter_recovered() -> None:
    source = b"function ok() { go(); }\nclass Half {\n  m() { this.n(\n}\nfunction later() {}\n"
    facts = LANGUAGE.extract("broken.js", source)
    ids = [s.id for s in facts.symbols]
    assert ids[:2] == ["broken.js", "broken.js::ok"]
    assert (CALLS, "broken.js::ok", "go") in {(r.kind, r.scope, r.name) for r in facts.references}


def test_non_utf8_source_is_decoded_with_replacement() -> None:
    source = b'/** caf\xe9 \xff doc */\nfunction g() { h("\xfe"); }\n'
    facts = LANGUAGE.extract("latin1.js", source)
    assert [(s.id, s.doc) for s in facts.symbols] == [
        ("latin1.js", ""),
        ("latin1.js::g", "caf\ufffd \ufffd doc"),
    ]
    assert [r.name for r in facts.references] == ["h"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 450  # 900 brackets deep: under `_ts.MAX_NESTING`, thousands of tree levels
    source = b"function f() {" + b"g(() => {" * depth + b"})" * depth + b"}\n"
    facts = LANGUAGE.extract("deep.js", source)
    assert [s.id for s in facts.symbols] == ["deep.js", "deep.js::f"]
    assert len(facts.references) == 1  # the same call name on every line 1 is one fact


def test_two_files_importing_each_other_resolve_end_to_end(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "src/util.js": (
                "import { App } from './app';\n"
                "export function helper(x) { return x; }\n"
                "export class Base { run() {} }\n"
                "export function boot() { return new App(); }\n"
            ),
            "src/app.js": (
                "import { helper, Base } from './util';\n"
                "import * as u from './util.js';\n"
                "export class App extends Base {\n"
                "  start() { helper(1); this.run(); this.stop(); }\n"
                "  stop() { u.boot(); }\n"
                "}\n"
            ),
        }
    )
    assert resolved_edges(root) >= {
        (INHERITS, "src/app.js::App", "src/util.js::Base"),
        (CALLS, "src/app.js::App.start", "src/util.js::helper"),
        (CALLS, "src/app.js::App.start", "src/util.js::Base.run"),
        (CALLS, "src/app.js::App.start", "src/app.js::App.stop"),
        (CALLS, "src/app.js::App.stop", "src/util.js::boot"),
        (CALLS, "src/util.js::boot", "src/app.js::App"),
        (EdgeKind.IMPORTS, "src/app.js", "src/util.js::helper"),
        (EdgeKind.IMPORTS, "src/util.js", "src/app.js::App"),
    }


def test_overlong_names_are_left_out() -> None:
    chain = b"a" + b".b" * 300
    source = b"class C { ['" + b"x" * 300 + b"']() {} }\n" + chain + b"();\nshort();\n"
    facts = LANGUAGE.extract("long.js", source)
    assert [s.id for s in facts.symbols] == ["long.js", "long.js::C"]
    assert [r.name for r in facts.references] == ["short"]
    assert all(len(s.signature) <= 200 for s in facts.symbols)


def test_commonjs_assignments_define_functions_and_methods() -> None:
    source = b"""\
/** Adds. */
exports.add = function add(a, b) { return helper(a); };
module.exports.sub = (a) => a;
function Foo() {}
Foo.prototype.bar = function() { this.baz(); };
Foo.baz = function() {};
unknown.x = function() {};
a.b.c = function() {};
"""
    facts = LANGUAGE.extract("m.js", source)
    assert [(s.id, s.kind, s.span, s.signature, s.doc) for s in facts.symbols] == [
        ("m.js", SymbolKind.MODULE, (1, 8), "", ""),
        ("m.js::add", SymbolKind.FUNCTION, (2, 2), "exports.add = function add(a, b)", "Adds."),
        ("m.js::sub", SymbolKind.FUNCTION, (3, 3), "module.exports.sub = (a) =>", ""),
        ("m.js::Foo", SymbolKind.FUNCTION, (4, 4), "function Foo()", ""),
        ("m.js::Foo.bar", SymbolKind.METHOD, (5, 5), "Foo.prototype.bar = function()", ""),
        ("m.js::Foo.baz", SymbolKind.METHOD, (6, 6), "Foo.baz = function()", ""),
    ]
    assert [(r.scope, r.name) for r in facts.references] == [
        ("m.js::add", "helper"),
        ("m.js::Foo.bar", "self.baz"),
    ]


def test_computed_and_quoted_member_names_that_would_break_ids_are_skipped() -> None:
    source = b"class C {\n  [Symbol.iterator]() {}\n  'a.b'() {}\n  'ok'() { go(); }\n}\n"
    facts = LANGUAGE.extract("c.js", source)
    assert [s.id for s in facts.symbols] == ["c.js", "c.js::C", "c.js::C.ok"]
    assert [(r.scope, r.name) for r in facts.references] == [("c.js::C.ok", "go")]


def test_globals_are_left_out_unless_the_file_defines_or_imports_them() -> None:
    source = b"""\
import { Map } from './map';
class Error {}
function f() { new Map(); new Error(); new Set(); JSON.parse(''); parseInt('1'); g(); }
"""
    facts = LANGUAGE.extract("globals.js", source)
    assert [r.name for r in facts.references] == ["Map", "Error", "g"]
