"""pytest (and unittest suites, which pytest collects): JUnit XML parsed with junitparser.

JUnit XML names a test by a dotted `classname` and a `name`; callers speak pytest node ids
(`tests/test_x.py::TestA::test_b[1-2]`). The mapping back uses, in order: the node ids
printed in pytest's `-rA` summary, then the files that exist under the rootdir.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from pathlib import Path

import junitparser

from executor.errors import RunnerError
from executor.model import Outcome, RunResult, TestResult
from executor.runners.base import clip, merge, read_config, read_report

_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|XFAIL|XPASS) (.+)$")
_ROOTDIR = re.compile(r"^rootdir: (.+?)(?:, |$)", re.MULTILINE)
_SUMMARY_OUTCOMES = {
    "PASSED": Outcome.PASSED,
    "XPASS": Outcome.PASSED,
    "FAILED": Outcome.FAILED,
    "ERROR": Outcome.ERROR,
    "XFAIL": Outcome.SKIPPED,
}
_MARKERS = ("pytest.ini", "conftest.py", "tests/conftest.py", "setup.py", "noxfile.py")


class PytestRunner:
    name = "pytest"

    def detect(self, root: Path) -> bool:
        if any((root / marker).is_file() for marker in _MARKERS):
            return True
        if _has_section(root / "tox.ini", ("pytest", "tox")):
            return True
        if _has_section(root / "setup.cfg", ("tool:pytest", "metadata")):
            return True
        pyproject = read_config(root / "pyproject.toml")
        if pyproject is not None:
            try:
                data = tomllib.loads(pyproject)
            except tomllib.TOMLDecodeError:
                return True  # a Python project all the same
            return "project" in data or "pytest" in data.get("tool", {})
        return any(_python_test_files(root))

    def available(self) -> bool:
        return shutil.which("python3") is not None or shutil.which("python") is not None

    def command(self, root: Path, test_ids: Sequence[str], report_path: Path) -> list[str]:
        # One module that fails to import must not hide every other test's outcome.
        return [
            "python",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--continue-on-collection-errors",
            "-o",
            "junit_family=xunit1",
            f"--junitxml={report_path}",
            *test_ids,
        ]

    def parse(self, report_path: Path, result: RunResult, *, root: Path) -> tuple[TestResult, ...]:
        summary = summary_results(result.stdout)
        text = read_report(report_path)
        if text is None:
            return merge(summary)
        rootdir = _rootdir(result.stdout, root)
        known = {_mangle(item.id): item.id for item in summary}
        return merge(_junit_results(text, rootdir, known))

    def not_found(self, result: RunResult) -> tuple[str, ...]:
        """What pytest named in "ERROR: not found: ..." or "ERROR: found no collectors for
        ..." (it then runs no test at all).

        The names are absolute paths as seen inside the sandbox; callers match by suffix.
        """
        found = re.findall(
            r"^ERROR: (?:not found:|found no collectors for) (.+?)$",
            result.stdout + result.stderr,
            re.M,
        )
        return tuple(dict.fromkeys(line.strip() for line in found))


def summary_results(stdout: str) -> list[TestResult]:
    """Outcomes from the `-rA` short summary: the fallback when no XML was written."""
    _, marker, tail = stdout.rpartition("short test summary info")
    results = []
    for line in tail.splitlines() if marker else ():
        match = _SUMMARY.match(line.strip())
        if match is None:
            continue
        word, rest = match.groups()
        node_id, message = _split_message(rest)
        results.append(TestResult(node_id, _SUMMARY_OUTCOMES[word], message=clip(message)))
    return results


def node_id(classname: str, name: str, rootdir: Path) -> str:
    """The pytest node id for a JUnit (classname, name) pair, found on the file system."""
    parts = classname.split(".") if classname else name.split(".")
    if not classname:  # a collection error names the module itself: "tests.test_x"
        name = ""
    found = _locate(rootdir, parts, depth=0)
    if found is None:
        return "::".join(p for p in (classname, name) if p)
    path, classes = found
    return "::".join([path, *classes, *([name] if name else [])])


def _locate(directory: Path, parts: list[str], depth: int) -> tuple[str, list[str]] | None:
    """The file (longest dotted prefix of `parts`, dots also allowed in directory names)
    and the class names after it."""
    if depth > 32:
        return None
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if (directory / f"{head}.py").is_file():
            return f"{head}.py", parts[cut:]
        if cut < len(parts) and (directory / head).is_dir():
            below = _locate(directory / head, parts[cut:], depth + 1)
            if below is not None:
                return f"{head}/{below[0]}", below[1]
    if parts and (directory / ".".join(parts)).is_dir():
        return ".".join(parts), []
    return None


def _junit_results(text: str, rootdir: Path, known: dict[str, str]) -> list[TestResult]:
    try:
        xml = junitparser.JUnitXml.fromstring(text)
    except (ElementTree.ParseError, ValueError) as exc:
        raise RunnerError(f"unreadable JUnit XML report: {exc}") from exc
    suites: Iterable[junitparser.TestSuite] = (
        [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    )
    results = []
    for suite in suites:
        for case in suite:
            classname, name = case.classname or "", case.name or ""
            mangled = ".".join(p for p in (classname, name) if p)
            test_id = known.get(mangled) or node_id(classname, name, rootdir)
            outcome, message = _outcome(case)
            results.append(TestResult(test_id, outcome, float(case.time or 0.0), clip(message)))
    return results


def _outcome(case: junitparser.TestCase) -> tuple[Outcome, str]:
    outcome, message = Outcome.PASSED, ""
    for entry in case.result:
        if isinstance(entry, junitparser.Error):
            return Outcome.ERROR, _message(entry)
        if isinstance(entry, junitparser.Failure):
            outcome, message = Outcome.FAILED, _message(entry)
        elif isinstance(entry, junitparser.Skipped) and outcome is Outcome.PASSED:
            outcome, message = Outcome.SKIPPED, entry.message or ""
    return outcome, message


def _message(entry: junitparser.Error | junitparser.Failure) -> str:
    # "collection failure" says little: the traceback's `E   ` lines say what failed.
    lines = [line for line in (entry.text or "").splitlines() if line.startswith("E ")]
    head = entry.message or ""
    return "\n".join([head, *(line[1:].strip() for line in lines[:8])]).strip()


def _mangle(test_id: str) -> str:
    """What pytest's junitxml plugin makes of a node id: dotted path, then the name."""
    path, bracket, params = test_id.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names)


def _split_message(rest: str) -> tuple[str, str]:
    # A parametrized id may itself contain " - ": the message starts after its bracket.
    start = rest.find("[")
    end = 0
    if start != -1:
        close = rest.find("] - ", start)
        end = close + 1 if close != -1 else rest.rfind("]") + 1
    head, sep, message = rest[end:].partition(" - ")
    return rest[:end] + head, message if sep else ""


def _rootdir(stdout: str, fallback: Path) -> Path:
    """pytest's rootdir as it printed it: sandbox output, so only ever a directory inside
    the workspace (`fallback`); the host never probes a path the tested code chose."""
    match = _ROOTDIR.search(stdout[:20_000])
    if match is None:
        return fallback
    found = Path(os.path.normpath(match.group(1).strip()))
    inside = fallback.resolve()
    if not found.is_absolute() or not found.is_relative_to(inside):
        return fallback  # checked as text first: nothing outside is ever probed
    return found if found.resolve().is_relative_to(inside) and found.is_dir() else fallback


def _has_section(path: Path, sections: Sequence[str]) -> bool:
    text = read_config(path)
    if text is None:
        return False
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return False
    return any(parser.has_section(section) for section in sections)


def _python_test_files(root: Path) -> Iterable[Path]:
    for pattern in ("test_*.py", "tests/test_*.py", "tests/**/test_*.py", "*_test.py"):
        yield from root.glob(pattern)
