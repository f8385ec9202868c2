"""TypeScript and TSX extraction: symbols, imports, type references and bindings."""

from __future__ import annotations

from codegraph.languages import get_language, language_for
from codegraph.languages.typescript import LANGUAGE
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility
from tests.codegraph.languages import resolved_edges
from tests.conftest import MakeRepo

CALLS, INHERITS, REFS = EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES
PATH = "src/app/service.ts"
S = PATH + "::Service"

SOURCE = b"""\
import type { Model } from './model';
import fs = require('fs');
import React from 'react';

/** Base service. */
@Injectable({ providedIn: 'root' })
export abstract class Service<T> extends Base<T> implements Repo, api.Handler {
  private readonly cache: Cache;
  protected static count = 0;
  constructor(private http: HttpClient, public name: string) {
    super();
  }
  @Input() get label(): string { return ''; }
  abstract run(input: T): Promise<Result>;
  load(id: string): void;
  load(id: any): Model { return this.cache.get(id) as Model; }
}

export interface Repo extends Reader<Model> {
  find(id: string): Model | undefined;
  size: number;
}
export type Pair<U> = [U, Other];
export enum Color { Red = 1, Green }
export function make(n: number): Service<Model>;
export function make(n: any) { return factory(n)!; }
namespace Util { export function twice() { once(); } }
"""


def _symbols(facts: FileFacts) -> list[tuple[object, ...]]:
    return [
        (s.id, s.kind, s.span, s.signature, s.doc, s.decorators, s.visibility)
        for s in facts.symbols
    ]


def test_registry_serves_this_module_for_every_extension() -> None:
    assert get_language("typescript") is LANGUAGE
    for path in ("a.ts", "b.tsx", "c.mts", "d.cts"):
        assert language_for(path) is LANGUAGE


def test_classes_interfaces_aliases_enums_and_overloads() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.module == "src/app/service"
    pub, prot, priv = Visibility.PUBLIC, Visibility.PROTECTED, Visibility.PRIVATE
    cls, method, var = SymbolKind.CLASS, SymbolKind.METHOD, SymbolKind.VARIABLE
    assert _symbols(facts) == [
        (PATH, SymbolKind.MODULE, (1, 27), "", "", (), pub),
        (
            S,
            cls,
            (7, 17),
            "abstract class Service<T> extends Base<T> implements Repo, api.Handler",
            "Base service.",
            ("Injectable({ providedIn: 'root' })",),
            pub,
        ),
        (S + ".cache", var, (8, 8), "private readonly cache: Cache", "", (), priv),
        (S + ".count", var, (9, 9), "protected static count = 0", "", (), prot),
        (
            S + ".constructor",
            method,
            (10, 12),
            "constructor(private http: HttpClient, public name: string)",
            "",
            (),
            pub,
        ),
        (S + ".label", method, (13, 13), "get label(): string", "", ("Input()",), pub),
        (S + ".run", method, (14, 14), "abstract run(input: T): Promise<Result>", "", (), pub),
        # the implementation replaces the overload signature above it
        (S + ".load", method, (16, 16), "load(id: any): Model", "", (), pub),
        (PATH + "::Repo", cls, (19, 22), "interface Repo extends Reader<Model>", "", (), pub),
        (
            PATH + "::Repo.find",
            method,
            (20, 20),
            "find(id: string): Model | undefined",
            "",
            (),
            pub,
        ),
        (PATH + "::Repo.size", var, (21, 21), "size: number", "", (), pub),
        (PATH + "::Pair", cls, (23, 23), "type Pair<U> = [U, Other]", "", (), pub),
        (PATH + "::Color", cls, (24, 24), "enum Color", "", (), pub),
        (PATH + "::make", SymbolKind.FUNCTION, (26, 26), "function make(n: any)", "", (), pub),
        (PATH + "::Util.twice", SymbolKind.FUNCTION, (27, 27), "function twice()", "", (), pub),
    ]


def test_imports_including_type_only_and_import_require() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert [(i.scope, i.module, i.name, i.alias, i.line) for i in facts.imports] == [
        (PATH, "src/app/model", "Model", None, 1),
        (PATH, "fs", "default", "fs", 2),
        (PATH, "react", "default", "React", 3),
    ]


def test_heritage_type_uses_and_calls() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    # type parameters (T, U), built-in types and globals (Promise) are not references
    assert [(r.kind, r.scope, r.name, r.line) for r in facts.references] == [
        (CALLS, PATH, "Injectable", 6),
        (INHERITS, S, "Base", 7),
        (INHERITS, S, "Repo", 7),
        (INHERITS, S, "api.Handler", 7),
        (REFS, S, "Cache", 8),
        (REFS, S + ".constructor", "HttpClient", 10),
        (CALLS, S + ".constructor", "super().constructor", 11),
        (CALLS, S, "Input", 13),
        (REFS, S + ".run", "Result", 14),
        (REFS, S + ".load", "Model", 16),
        (CALLS, S + ".load", "self.cache.get", 16),
        (INHERITS, PATH + "::Repo", "Reader", 19),
        (REFS, PATH + "::Repo", "Model", 19),
        (REFS, PATH + "::Repo.find", "Model", 20),
        (REFS, PATH + "::Pair", "Other", 23),
        (REFS, PATH + "::make", "Service", 25),
        (REFS, PATH + "::make", "Model", 25),
        (CALLS, PATH + "::make", "factory", 26),
        (CALLS, PATH + "::Util.twice", "once", 27),
    ]


def test_field_parameter_property_and_return_bindings() -> None:
    facts = LANGUAGE.extract(PATH, SOURCE)
    assert facts.bindings == (
        (S, "cache", "Cache"),
        (S + ".constructor", "self.http", "HttpClient"),
        (S + ".load", "return", "Model"),
    )


def test_tsx_uses_the_tsx_grammar_and_records_components_as_calls() -> None:
    source = b"""\
import { Panel } from './panel';
import * as UI from '../ui';

export function View({ title }: Props): JSX.Element {
  return <Panel title={title}><UI.Row /><div /></Panel>;
}
"""
    facts = LANGUAGE.extract("src/app/view.tsx", source)
    view = "src/app/view.tsx::View"
    assert [(s.id, s.signature) for s in facts.symbols] == [
        ("src/app/view.tsx", ""),
        (view, "function View({ title }: Props): JSX.Element"),
    ]
    assert [(i.module, i.name, i.alias) for i in facts.imports] == [
        ("src/app/panel", "Panel", None),
        ("src/ui", None, "UI"),
    ]
    assert [(r.kind, r.scope, r.name) for r in facts.references] == [
        (REFS, view, "Props"),
        (REFS, view, "JSX.Element"),
        (CALLS, view, "Panel"),
        (CALLS, view, "UI.Row"),
    ]


def test_broken_syntax_keeps_what_tree_sitter_recovered() -> None:
    source = b"export class Ok { m(): void { go(); } }\nclass Half<T { m(: ) }\ninterface {\n"
    facts = LANGUAGE.extract("broken.ts", source)
    ids = [s.id for s in facts.symbols]
    assert ids[:3] == ["broken.ts", "broken.ts::Ok", "broken.ts::Ok.m"]
    assert (CALLS, "broken.ts::Ok.m", "go") in {(r.kind, r.scope, r.name) for r in facts.references}


def test_non_utf8_source_is_decoded_with_replacement() -> None:
    source = b"/** \xff\xfe bytes */\nexport function g(): Res { return h('\xe9'); }\n"
    facts = LANGUAGE.extract("bytes.ts", source)
    assert [(s.id, s.doc) for s in facts.symbols] == [
        ("bytes.ts", ""),
        ("bytes.ts::g", "\ufffd\ufffd bytes"),
    ]
    assert [r.name for r in facts.references] == ["Res", "h"]


def test_deeply_nested_types_do_not_recurse() -> None:
    depth = 3000
    source = b"type X = " + b"Box<" * depth + b"Leaf" + b">" * depth + b";\n"
    facts = LANGUAGE.extract("deep.ts", source)
    assert [s.id for s in facts.symbols] == ["deep.ts", "deep.ts::X"]
    assert {r.name for r in facts.references} == {"Box", "Leaf"}


def test_two_files_importing_each_other_resolve_end_to_end(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "src/model.ts": (
                "import { Svc } from './svc';\n"
                "export interface Repo { get(id: string): Item; }\n"
                "export class Item { save(): void {} owner(): Svc { return new Svc(this); } }\n"
            ),
            "src/svc.ts": (
                "import { Repo, Item } from './model';\n"
                "export class Svc implements Repo {\n"
                "  constructor(private item: Item) {}\n"
                "  get(id: string): Item { this.item.save(); return new Item(); }\n"
                "}\n"
            ),
        }
    )
    assert resolved_edges(root) >= {
        (INHERITS, "src/svc.ts::Svc", "src/model.ts::Repo"),
        (REFS, "src/svc.ts::Svc.get", "src/model.ts::Item"),
        (CALLS, "src/svc.ts::Svc.get", "src/model.ts::Item.save"),
        (CALLS, "src/svc.ts::Svc.get", "src/model.ts::Item"),
        (CALLS, "src/model.ts::Item.owner", "src/svc.ts::Svc"),
        (REFS, "src/model.ts::Repo.get", "src/model.ts::Item"),
    }
