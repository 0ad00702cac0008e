import io
import shutil
import zipfile
from pathlib import Path

from tray_app.aws import lambda_package


def test_same_source_gives_the_same_bytes() -> None:
    assert lambda_package.build().body == lambda_package.build().body


def test_zip_holds_the_handler_at_its_root_and_no_caches() -> None:
    names = zipfile.ZipFile(io.BytesIO(lambda_package.build().body)).namelist()
    assert "data_collector.py" in names and "collector/record.py" in names
    assert names == sorted(names)
    assert not [n for n in names if "__pycache__" in n or not n.endswith(".py")]


def test_entries_carry_fixed_times_and_modes() -> None:
    archive = zipfile.ZipFile(io.BytesIO(lambda_package.build().body))
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr == 0o644 << 16


def test_a_changed_file_changes_the_key_and_mtime_does_not(tmp_path: Path) -> None:
    copy = tmp_path / "lambda_function"
    shutil.copytree(
        lambda_package.LAMBDA_SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    original = lambda_package.build(copy)
    (copy / "data_collector.py").touch()
    assert lambda_package.build(copy).key == original.key
    with (copy / "data_collector.py").open("a") as f:
        f.write("# changed\n")
    changed = lambda_package.build(copy)
    assert changed.key != original.key
    assert changed.key.startswith("data-collector/") and changed.key.endswith(".zip")
