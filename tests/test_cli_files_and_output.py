"""`posthog-api prompts ...`: long names, all-or-nothing pulls, OS errors, closed output.

Over real HTTP on 127.0.0.1 (issue 9 review, items 1, 3 and 4 of the CLI findings): a
pull writes every prompt or none, with short temporary names; a failing file operation
is one line that says what to do; a closed or broken standard output is handled.
"""

from __future__ import annotations

import errno
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, inject, writer_state

from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_files_key_0123456789abcdef"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ServerState, str]]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as served:
        yield served


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry of ``root``: file bytes, a symlink's target, or "dir"."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[path.name] = "-> " + str(path.readlink())
        elif path.is_file():
            found[path.name] = path.read_bytes()
        else:
            found[path.name] = "dir"
    return found


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err, err
    assert "[Errno" not in err, err  # the OS's words alone say nothing about what to do
    return lines[0]


def existing_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A pulled folder with files a pull replaces or removes, and a symlink out of it."""
    outside = tmp_path / "outside.txt"
    outside.write_text("outside, never touched")
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "a.txt").write_text("old a")
    (folder / "b.json").write_text('{"old": "b"}\n')  # b is now a text prompt: removed
    (folder / "c.txt").symlink_to(outside)  # replaced as a link, never written through
    (folder / "keep.md").write_text("not a prompt file")
    return folder, outside


# -- item 1: long names, and all prompts or none -------------------------------------------


def test_pull_writes_the_longest_names_a_file_system_takes(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    text_name, json_name = "t" * 251, "j" * 250  # NAME.txt and NAME.json of 255 bytes
    inject(state, "first", "Hello")
    inject(state, text_name, "a long text prompt")
    inject(state, json_name, {"a": "long JSON prompt"})
    folder = tmp_path / "pulled"
    folder.mkdir()
    (folder / f"{json_name}.txt").write_text("was a text prompt")  # its twin: removed

    assert main(["prompts", "pull", str(folder)]) == 0

    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in folder.iterdir()) == sorted(  # no temporaries left
        ["first.txt", f"{text_name}.txt", f"{json_name}.json"]
    )
    assert (folder / f"{text_name}.txt").read_text() == "a long text prompt"
    assert (folder / f"{json_name}.json").read_text() == '{\n  "a": "long JSON prompt"\n}\n'


def test_pull_of_names_too_long_for_a_file_name_writes_nothing(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "a", "new a")  # listed first: base wrote it, then failed on the long name
    inject(state, "c" * 255, "valid name, but c...c.txt would be 259 bytes")
    inject(state, "d" * 251, {"json": "d...d.json would be 256 bytes"})
    folder, _ = existing_folder(tmp_path)
    before = snapshot(tmp_path)

    assert main(["prompts", "pull", str(folder)]) == 1

    line = one_error_line(capsys.readouterr().err)
    assert "2 prompt name(s) are too long for a file name" in line
    assert "c" * 40 + "... (255 characters, .txt)" in line
    assert "d" * 40 + "... (251 characters, .json)" in line
    assert "nothing was written" in line and "prompts get NAME" in line
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "new").exists()
    # Into a folder that does not exist yet: it is not even created.
    assert main(["prompts", "pull", str(tmp_path / "new")]) == 1
    one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "new").exists()


def failing_on(calls: int, error: OSError, real: Any) -> Any:
    """``real``, except that call number ``calls`` into the prompts folder raises ``error``."""
    seen = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        if "prompts" in str(args[0] if args else ""):
            seen += 1
            if seen == calls:
                raise error
        return real(*args, **kwargs)

    return wrapper


def test_a_failure_while_writing_the_files_leaves_the_folder_as_it_was(
    server: tuple[ServerState, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    for name in ("a", "b", "c", "d"):
        inject(state, name, f"new {name}")
    folder, _ = existing_folder(tmp_path)
    before = snapshot(tmp_path)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "open", failing_on(3, full, os.open))  # the third new file

    assert main(["prompts", "pull", str(folder)]) == 1

    line = one_error_line(capsys.readouterr().err)
    where = re.escape(str(folder.resolve()))
    assert re.search(f"cannot write {where}/[abcd]\\.txt: no space left on the device", line)
    assert "free some space, or pull into another folder" in line
    assert line.endswith(f"nothing was written to {folder}")
    assert snapshot(tmp_path) == before  # a and b were not replaced; no temporaries


def test_a_failure_while_renaming_puts_every_file_back(
    server: tuple[ServerState, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    for name in ("a", "b", "c", "d"):
        inject(state, name, f"new {name}")
    folder, outside = existing_folder(tmp_path)
    before = snapshot(tmp_path)
    target = folder.resolve() / "c.txt"
    real_replace = os.replace

    failed: list[Any] = []

    def replace(source: Any, destination: Any) -> None:  # placing c fails, once
        if Path(destination) == target and not failed:
            failed.append(source)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)

    assert main(["prompts", "pull", str(folder)]) == 1

    line = one_error_line(capsys.readouterr().err)
    assert f"cannot write {target}: permission denied; check its permissions" in line
    assert line.endswith(f"nothing was changed in {folder}")
    assert Path(failed[0]).name.startswith(".pull-")  # a temporary, unknown to the user
    assert ".pull-" not in line
    assert snapshot(tmp_path) == before  # a, b.json and the c.txt link are all back
    assert outside.read_text() == "outside, never touched"

    monkeypatch.setattr(os, "replace", real_replace)  # and then a pull goes through
    assert main(["prompts", "pull", str(folder)]) == 0
    assert snapshot(folder) == {
        "a.txt": b"new a",
        "b.txt": b"new b",
        "c.txt": b"new c",
        "d.txt": b"new d",
        "keep.md": b"not a prompt file",
    }


# -- item 3: an OS error is one line that says what to do ----------------------------------


def test_a_directory_where_a_prompt_file_goes_is_named_with_advice(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "a", "new a")
    inject(state, "r", {"json": True})
    folder = tmp_path / "prompts"
    (folder / "r.json").mkdir(parents=True)  # where the JSON prompt r goes

    assert main(["prompts", "pull", str(folder)]) == 1

    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: cannot write {folder.resolve() / 'r.json'}: it is a directory; remove or "
        "rename it, or pull into another folder; nothing was written"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["r.json"]  # a was not written


def test_pull_below_a_file_says_the_path_holds_a_file(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "a", "new a")
    (tmp_path / "notes.txt").write_text("a file")

    assert main(["prompts", "pull", str(tmp_path / "notes.txt" / "sub")]) == 1

    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: cannot write {tmp_path / 'notes.txt' / 'sub'}: a part of its path is a "
        "file, not a directory; check the path, or pull into another folder"
    )


ADVICE = [
    (errno.EISDIR, "it is a directory; remove or rename it"),
    (errno.ENOTDIR, "a part of its path is a file, not a directory; check the path"),
    (errno.EACCES, "permission denied; check its permissions and owner (ls -ld)"),
    (errno.EPERM, "operation not permitted; check its permissions and owner (ls -ld)"),
    (errno.ENOSPC, "no space left on the device; free some space"),
    (errno.EROFS, "the file system is read-only; use a writable location"),
    (errno.ENAMETOOLONG, "a name in the path is too long for the file system; use a shorter"),
    (errno.ENOENT, "it does not exist; check the path"),
]


def test_each_common_os_error_of_pull_is_one_line_with_advice(
    server: tuple[ServerState, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Running as root, most of these cannot be provoked for real: the OS call fails."""
    state, _ = server
    inject(state, "a", "new a")
    folder = tmp_path / "prompts"
    for code, advice in ADVICE:

        def mkdir(self: Path, *args: Any, code: int = code, **kwargs: Any) -> None:
            raise OSError(code, os.strerror(code), str(self))

        monkeypatch.setattr(Path, "mkdir", mkdir)
        assert main(["prompts", "pull", str(folder)]) == 1

        line = one_error_line(capsys.readouterr().err)
        assert line.startswith(f"error: cannot write {folder}: {advice}"), line
        assert line.endswith(", or pull into another folder"), line


def test_push_names_a_file_it_may_not_read_with_advice(
    server: tuple[ServerState, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    (tmp_path / "greet.txt").write_text("Hello")
    (tmp_path / "fine.txt").write_text("fine")
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "greet.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    assert main(["prompts", "push", str(tmp_path)]) == 2

    line = one_error_line(capsys.readouterr().err)
    assert line == (
        "error: nothing was sent; fix these files first: cannot read greet.txt: permission "
        "denied; check its permissions and owner (ls -ld)"
    )
    assert state.request_count() == 0


# -- item 4: closed or broken standard output ----------------------------------------------


class Failing(io.StringIO):
    """A standard output whose writes fail as a pipe or a full disk would."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


def test_closed_stdout_is_one_error_line_and_nothing_is_sent(
    server: tuple[ServerState, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    inject(state, "greet", "Hello")
    (tmp_path / "new.txt").write_text("x")
    (tmp_path / "other.txt").write_text("would be created")
    monkeypatch.setattr(sys, "stdout", None)  # what Python sets when fd 1 is closed (>&-)

    for args in (["get", "greet"], ["push", str(tmp_path)], ["history", "greet"]):
        assert main(["prompts", *args]) == 1
        line = one_error_line(capsys.readouterr().err)
        assert "standard output is closed" in line and "nothing was sent" in line
        assert "> /dev/null" in line
    assert state.request_count() == 0


def test_a_full_stdout_is_one_error_line_with_advice(
    server: tuple[ServerState, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    inject(state, "greet", "Hello")
    monkeypatch.setattr(sys, "stdout", Failing(OSError(errno.ENOSPC, "No space left")))

    assert main(["prompts", "history", "greet"]) == 1

    line = one_error_line(capsys.readouterr().err)
    assert line == (
        "error: cannot write to standard output: no space left on the device; free some "
        "space, or redirect it elsewhere"
    )


def test_a_reader_that_stops_early_ends_the_run_quietly(
    server: tuple[ServerState, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = server
    inject(state, "greet", "Hello")
    monkeypatch.setattr(sys, "stdout", Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))

    assert main(["prompts", "history", "greet"]) == 1
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_in_a_real_process_exits_1_without_a_message(
    server: tuple[ServerState, str],
) -> None:
    """As ``posthog-api prompts get greet | head -c 0``: also no "Exception ignored" at exit."""
    state, _ = server
    inject(state, "greet", "Hello\n" * 1000)
    child = subprocess.Popen(
        [sys.executable, "-m", "posthog_api.cli", "prompts", "get", "greet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the first write
    err = child.stderr.read().decode()
    assert child.wait(timeout=10) == 1
    assert err == "# greet version 1; labels: none\n"  # the header only: no error, no traceback


def test_serve_starts_with_stdout_closed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``posthog-api serve >&-`` (a background server) serves; it has nothing to refuse."""
    import posthog_api.testing as testing

    served: list[ServerState] = []
    monkeypatch.setattr(testing, "serve", lambda **kwargs: served.append(kwargs["state"]))
    monkeypatch.setattr(sys, "stdout", None)

    assert main(["serve", "--port", "8123", "--no-seed"]) == 0
    assert len(served) == 1 and served[0].project_id == "1"
    assert capsys.readouterr().err == ""
