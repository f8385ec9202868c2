from __future__ import annotations

from style.paths import is_cli_module, is_migration, is_skipped, is_test_path, own_package


def test_test_paths() -> None:
    assert is_test_path("tests/test_a.py")
    assert is_test_path("pkg/a_test.py")
    assert is_test_path("tests/helpers.py")
    assert is_test_path("web/button.test.ts")
    assert not is_test_path("tests/conftest.py")
    assert not is_test_path("pkg/testing_utils.py")


def test_scripts_and_cli_modules() -> None:
    assert is_cli_module("pkg/cli.py")
    assert is_cli_module("pkg/__main__.py")
    assert is_cli_module("scripts/release.py")
    assert not is_cli_module("pkg/client.py")


def test_vendored_generated_and_migrations() -> None:
    assert is_skipped("pkg/_vendor/six.py") == "vendored"
    assert is_skipped("tests/fixtures/bad.py") == "test data"
    assert is_skipped("tests/data/cases/comments2.py") == "test data"
    assert is_skipped("pkg/data/loader.py") is None
    assert is_skipped("api/service_pb2.py") == "generated"
    assert is_skipped("pkg/core.py") is None
    assert is_migration("app/migrations/0001_initial.py")


def test_own_package() -> None:
    assert own_package("pkg/sub/a.py") == "pkg"
    assert own_package("src/pkg/a.py") == "pkg"
    assert own_package("setup.py") is None
    assert own_package("tests/test_a.py") is None
