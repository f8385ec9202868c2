from __future__ import annotations

import logging
import os
import time
import zipfile
from pathlib import Path

import bm25s
import numpy as np
import pytest

from codegraph import lexstore
from codegraph.find import Localization, find
from codegraph.index import Index, build_index, load_index
from codegraph.tokens import Lexicon, _documents, _encode, _retriever, lexicon
from tests.codegraph.test_find import SHOP
from tests.conftest import MakeRepo

# Each query exercises another table: words, a traceback, a dotted name, a quoted message.
QUERIES = (
    "The receipt header is formatted wrongly",
    'Traceback (most recent call last):\n  File "shop/pricing.py", line 11\nTypeError: x\n',
    "shop.cart.Cart.total ignores the discount",
    'it printed "no price is known for this item" and stopped',
)
MESSAGE = '\n\ndef price_of(name):\n    raise KeyError("no price is known for this item")\n'


def _repo(make_repo: MakeRepo) -> Path:
    return make_repo({**SHOP, "shop/pricing.py": SHOP["shop/pricing.py"] + MESSAGE})


def _answers(index: Index) -> list[Localization]:
    return [find(index, query, limit=20) for query in QUERIES]


def _stored(index: Index) -> lexstore.LexicalTables | None:
    fresh = Lexicon(index)
    where = lexstore.place(index, fresh.symbol_ids, fresh.file_paths)
    assert where is not None
    return where.load(index.symbols)


def _same_tables(a: lexstore.LexicalTables, b: lexstore.LexicalTables) -> None:
    assert a.vocab == b.vocab
    for name in ("dotted", "qualified", "modules", "tails", "messages"):
        x, y = getattr(a, name), getattr(b, name)
        assert x == y and list(x) == list(y), name
    for key in ("symbol", "file"):
        x, y = a.docs[key], b.docs[key]
        assert x.bm25_docs == y.bm25_docs
        for name in ("indptr", "tokens", "bm25_data", "bm25_indices", "bm25_indptr"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name


def test_a_new_process_reads_the_lexicon_and_answers_the_same(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    built = build_index(root, data_dir=data)
    assert not (data / lexstore.LEXICON_FILE).exists()
    first = _answers(built)
    assert (data / lexstore.LEXICON_FILE).is_file()
    assert first[3].symbols[0].id == "shop/pricing.py::price_of"

    path = data / lexstore.LEXICON_FILE
    os.utime(path, (1_000_000_000, 1_000_000_000))
    loaded = load_index(root, data_dir=data)
    stored = _stored(loaded)
    assert stored is not None
    _same_tables(stored, Lexicon(loaded).tables)
    assert _answers(loaded) == first
    _same_tables(lexicon(loaded).tables, stored)
    assert path.stat().st_mtime == 1_000_000_000  # read, not written again


def test_an_edit_makes_the_stored_lexicon_stale(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    _answers(build_index(root, data_dir=data))
    assert _stored(load_index(root, data_dir=data)) is not None

    # The same symbols at the same lines: only the key tells the stored bodies are old.
    pricing = root / "shop" / "pricing.py"
    pricing.write_text(pricing.read_text().replace("amount, 2)", "amount, 3)  # thousandths"))
    index = build_index(root, data_dir=data)
    assert _stored(index) is None
    assert find(index, "thousandths").symbols[0].id == "shop/pricing.py::round_price"
    assert _stored(load_index(root, data_dir=data)) is not None

    pricing.write_text(pricing.read_text() + "\n\ndef refund_voucher(amount):\n    return 0\n")
    index = build_index(root, data_dir=data)
    assert _stored(index) is None
    assert find(index, "refund voucher").symbols[0].id == "shop/pricing.py::refund_voucher"


def test_sources_edited_since_the_index_are_not_stored(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    build_index(root, data_dir=data)
    pricing = root / "shop" / "pricing.py"
    pricing.write_text(pricing.read_text().replace("Round a price", "Truncate a price"))

    index = load_index(root, data_dir=data)
    assert find(index, "truncate").symbols[0].id == "shop/pricing.py::round_price"
    assert not (data / lexstore.LEXICON_FILE).exists()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty"])
def test_a_damaged_file_is_rebuilt_silently(
    make_repo: MakeRepo, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    expected = _answers(build_index(root, data_dir=data))
    path = data / lexstore.LEXICON_FILE
    body = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(body[: len(body) // 2])
    elif damage == "flipped":
        # A byte inside the BM25 scores, which the zip's checksums cover.
        start = body.index(b"symbol.bm25_data.npy") + 200
        path.write_bytes(body[:start] + bytes([body[start] ^ 0xFF]) + body[start + 1 :])
    elif damage == "foreign":
        path.write_bytes(os.urandom(len(body)))
    else:
        path.write_bytes(b"")

    with caplog.at_level(logging.DEBUG, logger="codegraph"):
        assert _answers(load_index(root, data_dir=data)) == expected
    assert "rebuilding it" in caplog.text
    assert path.read_bytes() != b"" and _stored(load_index(root, data_dir=data)) is not None


def test_a_lexicon_of_another_repository_is_not_used(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = _repo(make_repo)
    other = make_repo({"shop/cart.py": "def total():\n    return 0\n"}, name="other")
    _answers(build_index(other, data_dir=tmp_path / "other"))
    data = tmp_path / "data"
    expected = _answers(build_index(root, data_dir=data))
    (data / lexstore.LEXICON_FILE).write_bytes(
        (tmp_path / "other" / lexstore.LEXICON_FILE).read_bytes()
    )

    assert _stored(load_index(root, data_dir=data)) is None
    assert _answers(load_index(root, data_dir=data)) == expected


class _Planted:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (os.replace, (str(self.marker) + ".src", str(self.marker)))


def test_a_pickled_member_is_never_unpickled(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    expected = _answers(build_index(root, data_dir=data))
    marker = tmp_path / "unpickled"
    Path(str(marker) + ".src").write_text("")
    path = data / lexstore.LEXICON_FILE
    planted = np.array([_Planted(marker)], dtype=object)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data_bytes in members.items():
            if name == "symbol.tokens.npy":
                with archive.open(name, "w") as member:
                    np.lib.format.write_array(member, planted, allow_pickle=True)
            else:
                archive.writestr(name, data_bytes)

    assert _answers(load_index(root, data_dir=data)) == expected
    assert not marker.exists()


def test_a_save_leaves_no_temporary_file_and_clears_old_ones(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = _repo(make_repo)
    data = tmp_path / "data"
    index = build_index(root, data_dir=data)
    killed = data / f".{lexstore.LEXICON_FILE}-killed.tmp"
    recent = data / f".{lexstore.LEXICON_FILE}-running.tmp"
    killed.write_bytes(b"half a lexicon")
    recent.write_bytes(b"another writer, still running")
    long_ago = time.time() - 2 * 3600
    os.utime(killed, (long_ago, long_ago))

    _answers(index)
    assert not killed.exists() and recent.exists()
    assert sorted(p.name for p in data.iterdir() if "lexicon" in p.name) == [
        recent.name,
        lexstore.LEXICON_FILE,
    ]


def test_a_repository_without_symbols_stores_an_empty_lexicon(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo({"README.md": "nothing to index\n"})
    data = tmp_path / "data"
    built = build_index(root, data_dir=data)
    assert find(built, "anything at all") == Localization((), ())
    assert (data / lexstore.LEXICON_FILE).is_file()

    loaded = load_index(root, data_dir=data)
    assert _stored(loaded) is not None
    assert find(loaded, "anything at all") == Localization((), ())


def test_scores_over_stored_matrices_equal_bm25s_own_index() -> None:
    # The retriever is assembled from stored arrays through bm25s's attributes; if a
    # bm25s release renamed them, this comparison with its own `index` would fail.
    corpus = [["cart", "total", "total"], ["receipt"], [], ["cart", "discount"]]
    vocab: dict[str, int] = {}
    docs = _documents(_encode(corpus, vocab), len(corpus), vocab)
    ours = _retriever(docs, vocab).get_scores(["total", "cart", "discount"])
    reference = bm25s.BM25()
    reference.index([d or [" "] for d in corpus], show_progress=False)
    theirs = reference.get_scores(["total", "cart", "discount"])
    assert np.allclose(ours, theirs) and float(ours.max()) > 0
    assert ours.argmax() == 0 and ours[1] == 0
