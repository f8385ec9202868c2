from __future__ import annotations

from collections import Counter

from style.observe import observe_source

SOURCE = """import { thing } from './thing';

export const MAX_SIZE = 10;

class WidgetBox {
  renderItem() {
    return 'x';
  }
}

function makeWidget() {
  const label = "it's";
  return label
}
"""


def test_formatting_and_naming_of_typescript() -> None:
    counts = observe_source("web/widget.ts", SOURCE).counts
    assert counts["js.quotes"] == {"single": 2}
    assert counts["js.indent"] == {"spaces-2": 3}
    assert counts["js.semicolons"] == {"always": 4, "never": 1}
    assert counts["js.naming.class"] == {"PascalCase": 1}
    assert counts["js.naming.method"] == {"camelCase": 1}
    assert counts["js.naming.function"] == {"camelCase": 1}
    assert counts["js.naming.constant"] == {"UPPER_CASE": 1}


def test_javascript_and_tsx_parse() -> None:
    js = observe_source("a.js", 'const a = "x"\nlet b = "y"\n').counts
    assert js["js.quotes"] == {"double": 2}
    assert js["js.semicolons"] == {"never": 2}
    tsx = observe_source("a.tsx", "export function App() {\n  return <div className='a' />;\n}\n")
    assert Counter(tsx.counts["js.naming.function"]) == Counter({"PascalCase": 1})
