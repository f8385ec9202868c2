"""The figures an index build reports, kept per file so an update recounts only what it
touched."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from codegraph.model import EdgeKind, FileFacts
from codegraph.parallel import Counts


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What one build or update did, for `patchwright index` and the benchmark."""

    files: int  # files parsed into the graph
    symbols: int
    edges: dict[str, int]  # per `EdgeKind` value
    resolution_rate: float
    external: int  # references to names defined outside the repository
    unresolved: int
    skipped: dict[str, int]  # per reason category ("vendored", "parse error", ...)
    parsed: int  # files whose facts this run extracted
    reused: int  # files whose facts came from the store (parsed + reused == files)
    reresolved: int  # files resolved by this run
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, and "total"

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


EMPTY = IndexStats(0, 0, {}, 1.0, 0, 0, {}, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Tally:
    """One file's share of the stats: its outgoing graph edges and resolution counts."""

    edges: dict[str, int]
    resolved: int
    unresolved_rated: int
    unresolved: int
    external: int

    @classmethod
    def of(cls, graph: nx.MultiDiGraph, facts: FileFacts, counts: Counts) -> Tally:
        edges: dict[str, int] = {}
        succ = graph._succ
        for symbol in facts.symbols:
            for keydict in succ.get(symbol.id, {}).values():
                for kind in keydict:
                    edges[kind] = edges.get(kind, 0) + 1
        resolved, unresolved_rated, unresolved, external = counts
        return cls(edges, resolved, unresolved_rated, unresolved, external)


def combine(
    tallies: Iterable[Tally],
    *,
    files: int,
    symbols: int,
    skipped: dict[str, int],
    parsed: int,
    reused: int,
    reresolved: int,
    seconds: Mapping[str, float],
) -> IndexStats:
    """The repository's stats from its files' tallies and this run's figures."""
    edges = dict.fromkeys((k.value for k in EdgeKind), 0)
    resolved = unresolved_rated = unresolved = external = 0
    for tally in tallies:
        for kind, count in tally.edges.items():
            edges[kind] = edges.get(kind, 0) + count
        resolved += tally.resolved
        unresolved_rated += tally.unresolved_rated
        unresolved += tally.unresolved
        external += tally.external
    rated = resolved + unresolved_rated
    return IndexStats(
        files=files,
        symbols=symbols,
        edges=edges,
        resolution_rate=resolved / rated if rated else 1.0,
        external=external,
        unresolved=unresolved,
        skipped=skipped,
        parsed=parsed,
        reused=reused,
        reresolved=reresolved,
        seconds=rounded(seconds),
    )


def rounded(seconds: Mapping[str, float]) -> dict[str, float]:
    return {phase: round(value, 4) for phase, value in seconds.items()}


def category(reason: str) -> str:
    """ "parse error: ..." → "parse error"; "too large (3 MB)" → "too large"."""
    return reason.split(":", 1)[0].split(" (", 1)[0]


class Clock:
    """Wall time per phase of a build."""

    def __init__(self) -> None:
        self._start = self._last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self._start
