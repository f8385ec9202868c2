"""Java extraction: packages, nested types, members, annotations, imports, bindings."""

from __future__ import annotations

from codegraph.languages import get_language, language_for
from codegraph.languages.java import LANGUAGE, module_name
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility
from tests.codegraph.languages import resolved_edges
from tests.conftest import MakeRepo

CALLS, INHERITS, REFS = EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES
PATH = "src/main/java/com/acme/store/Store.java"
S = PATH + "::Store"

SOURCE = b"""\
package com.acme.store;

import java.util.List;
import java.util.*;
import static org.junit.Assert.assertEquals;
import static com.acme.Util.*;

/**
 * A store of items.
 * More detail.
 */
@Entity
@Table(name = "stores")
public class Store<T> extends Base<T> implements Repo, java.io.Closeable {
    private final Map<String, Item> items = new HashMap<>();
    static int count, limit;

    public Store(int n) {
        super(n);
        this.init();
    }

    /** Finds one. */
    @Override
    protected List<Item> find(String key) throws IOException {
        helper();
        Item x = new Item();
        super.find(key);
        assertEquals(1, 2);
        var y = new com.acme.Thing();
        return Util.wrap(this.items.get(key));
    }

    interface Listener extends EventListener { void on(Event e); }

    enum Color { RED, GREEN; void paint() {} }

    record Pair(int a, int b) { }

    private void helper() {
        new Runnable() { public void run() { tick(); } };
        Runnable r = () -> tock();
    }
}
"""


def _symbols(facts: FileFacts) -> list[tuple[object, ...]]:
    return [
        (s.id, s.kind, s.span, s.signature, s.doc, s.decorators, s.visibility)
        for s in facts.symbols
    ]


def test_registry_serves_this_module() -> None:
    assert get_language("java") is LANGUAGE
    assert language_for("A.java") is LANGUAGE


def test_symbols_nested_types_members_and_modifiers() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.module == "com.acme.store.Store"
    pub, prot, priv = Visibility.PUBLIC, Visibility.PROTECTED, Visibility.PRIVATE
    cls, method, var = SymbolKind.CLASS, SymbolKind.METHOD, SymbolKind.VARIABLE
    header = "public class Store<T> extends Base<T> implements Repo, java.io.Closeable"
    fields = "static int count, limit"
    assert _symbols(facts) == [
        (PATH, SymbolKind.MODULE, (1, 44), "", "", (), pub),
        (
            S,
            cls,
            (12, 44),
            header,
            "A store of items.",
            ("Entity", 'Table(name = "stores")'),
            pub,
        ),
        (
            S + ".items",
            var,
            (15, 15),
            "private final Map<String, Item> items = new HashMap<>()",
            "",
            (),
            priv,
        ),
        # package-private counts as public
        (S + ".count", var, (16, 16), fields, "", (), pub),
        (S + ".limit", var, (16, 16), fields, "", (), pub),
        (S + ".Store", method, (18, 21), "public Store(int n)", "", (), pub),
        (
            S + ".find",
            method,
            (24, 32),
            "protected List<Item> find(String key) throws IOException",
            "Finds one.",
            ("Override",),
            prot,
        ),
        (S + ".Listener", cls, (34, 34), "interface Listener extends EventListener", "", (), pub),
        (S + ".Listener.on", method, (34, 34), "void on(Event e)", "", (), pub),
        (S + ".Color", cls, (36, 36), "enum Color", "", (), pub),
        (S + ".Color.RED", var, (36, 36), "RED", "", (), pub),
        (S + ".Color.GREEN", var, (36, 36), "GREEN", "", (), pub),
        (S + ".Color.paint", method, (36, 36), "void paint()", "", (), pub),
        (S + ".Pair", cls, (38, 38), "record Pair(int a, int b)", "", (), pub),
        # the anonymous class's `run` belongs to `helper`'s body
        (S + ".helper", method, (40, 43), "private void helper()", "", (), priv),
    ]


def test_single_type_on_demand_and_static_imports() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(i.scope, i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        (PATH, "java.util.List", "List", None, 3),
        (PATH, "java.util", "*", None, 4),
        (PATH, "org.junit.Assert", "assertEquals", None, 5),
        (PATH, "com.acme.Util", "*", None, 6),
    ]


def test_calls_on_this_super_static_imports_and_constructors() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    find, helper = S + ".find", S + ".helper"
    # java.lang names (String, Override, Runnable) are not references
    assert [(r.kind, r.scope, r.name, r.line) for r in facts.references] == [
        (REFS, S, "Entity", 12),
        (REFS, S, "Table", 13),
        (INHERITS, S, "Base", 14),
        (INHERITS, S, "Repo", 14),
        (INHERITS, S, "java.io.Closeable", 14),
        (REFS, S, "Map", 15),
        (REFS, S, "Item", 15),
        (CALLS, S, "HashMap", 15),
        (CALLS, S + ".Store", "self.init", 20),
        (REFS, find, "List", 25),
        (REFS, find, "Item", 25),
        (REFS, find, "IOException", 25),
        # an unqualified call is on the current instance ...
        (CALLS, find, "self.helper", 26),
        (REFS, find, "Item", 27),
        (CALLS, find, "Item", 27),
        (CALLS, find, "super().find", 28),
        # ... unless the name was imported statically
        (CALLS, find, "assertEquals", 29),
        (CALLS, find, "com.acme.Thing", 30),
        (CALLS, find, "Util.wrap", 31),
        (CALLS, find, "self.items.get", 31),
        (INHERITS, S + ".Listener", "EventListener", 34),
        (REFS, S + ".Listener.on", "Event", 34),
        (CALLS, helper, "self.tick", 41),
        (CALLS, helper, "self.tock", 42),
    ]


def test_bindings_of_fields_locals_and_results() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.bindings == (
        (S, "items", "Map"),
        (S + ".find", "return", "List"),
        (S + ".find", "x", "Item"),
        (S + ".find", "y", "com.acme.Thing"),
        (S + ".helper", "r", "Runnable"),
    )


def test_module_name_is_package_and_file_stem() -> None:
    assert module_name("src/com/a/B.java", "com.a") == "com.a.B"
    assert module_name("B.java", "") == "B"
    facts = LANGUAGE.extract("Default.java", b"class Default {}\n")
    assert facts.module == "Default"


def test_generic_parameters_are_not_type_uses() -> None:
    source = b"class Box<T extends Item> { T value; <R> R map(T in) { return null; } }\n"
    facts = LANGUAGE.extract("Box.java", source)
    assert [(r.kind, r.name) for r in facts.references] == [(REFS, "Item")]
    assert facts.bindings == ()


def test_broken_syntax_keeps_what_tree_sitter_recovered() -> None:
    source = b"class Ok { void m() { run(); } }\nclass Half { void n( { }\n"
    facts = LANGUAGE.extract("Broken.java", source)
    assert [s.id for s in facts.symbols][:3] == [
        "Broken.java",
        "Broken.java::Ok",
        "Broken.java::Ok.m",
    ]
    calls = {(r.kind, r.scope, r.name) for r in facts.references}
    assert (CALLS, "Broken.java::Ok.m", "self.run") in calls


def test_non_utf8_source_is_decoded_with_replacement() -> None:
    source = b'/** Caf\xe9 \xff. */\nclass A { void g() { h("\xfe"); } }\n'
    facts = LANGUAGE.extract("A.java", source)
    assert [(s.id, s.doc) for s in facts.symbols] == [
        ("A.java", ""),
        ("A.java::A", "Caf\ufffd \ufffd."),
        ("A.java::A.g", ""),
    ]
    assert [r.name for r in facts.references] == ["self.h"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 450  # 900 brackets deep: under `_ts.MAX_NESTING`, thousands of tree levels
    source = b"class A { void m() {" + b"g(() -> {" * depth + b"});" * depth + b"} }\n"
    facts = LANGUAGE.extract("A.java", source)
    assert [s.id for s in facts.symbols] == ["A.java", "A.java::A", "A.java::A.m"]
    assert {(r.scope, r.name) for r in facts.references} == {("A.java::A.m", "self.g")}


def test_two_files_resolve_end_to_end(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "src/com/acme/Base.java": (
                "package com.acme;\n"
                "import com.acme.app.App;\n"
                "public class Base { public void run() {} App owner() { return new App(); } }\n"
            ),
            "src/com/acme/app/App.java": (
                "package com.acme.app;\n"
                "import com.acme.Base;\n"
                "public class App extends Base {\n"
                "  void start() { helper(); this.run(); }\n"
                "  void helper() {}\n"
                "}\n"
            ),
        }
    )
    assert resolved_edges(root) >= {
        (EdgeKind.IMPORTS, "src/com/acme/app/App.java", "src/com/acme/Base.java"),
        (EdgeKind.IMPORTS, "src/com/acme/Base.java", "src/com/acme/app/App.java"),
        (CALLS, "src/com/acme/app/App.java::App.start", "src/com/acme/app/App.java::App.helper"),
        (INHERITS, "src/com/acme/app/App.java::App", "src/com/acme/Base.java::Base"),
        (CALLS, "src/com/acme/app/App.java::App.start", "src/com/acme/Base.java::Base.run"),
        (CALLS, "src/com/acme/Base.java::Base.owner", "src/com/acme/app/App.java::App"),
        (EdgeKind.IMPORTS, "src/com/acme/Base.java", "src/com/acme/app/App.java::App"),
    }
