"""`posthog-api prompts ...` under hostile input, over real HTTP on 127.0.0.1 (issue 9).

A hostile server names files outside the folder; line endings survive pull then push;
content compares as exact JSON; big diffs stay bounded; every failure is one line.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import cli_server, inject, writer_state, writes

from posthog_api import AsyncPostHog
from posthog_api.cli import main
from posthog_api.cli._prompts import push
from posthog_api.testing import ServerState

KEY = "phx_cli_hardening_key_0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ServerState, str]]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as served:
        yield served


def live(state: ServerState, name: str) -> list[tuple[int, Any]]:
    with state.lock:
        rows = [r for r in state.prompts if r["name"] == name and not r["deleted"]]
        return sorted((r["version"], r["prompt"]) for r in rows)


def snapshot(root: Path, skip: Path | None = None) -> dict[str, bytes | str]:
    """Every entry under ``root`` (outside ``skip``): file bytes, or a symlink's target."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_symlink():
            found[str(path)] = "-> " + str(path.readlink())
        elif path.is_file():
            found[str(path)] = path.read_bytes()
        else:
            found[str(path)] = "dir"
    return found


def one_error_line(err: str) -> str:
    """The whole of stderr must be one ``error:`` line (no traceback, no second line)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# -- item 1: a hostile server's names never leave the folder --------------------------------


def test_pull_refuses_names_that_point_outside_the_folder_and_touches_nothing(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.json").write_text('{"keep": "me"}')  # base deleted this
    (outside / "abs.txt").write_text("keep me too")  # base overwrote this
    target = tmp_path / "work" / "pulled"
    inject(state, "greet", "Hello")
    inject(state, "../../outside/victim", "written outside DIR")
    inject(state, str(outside / "abs"), "written through an absolute name")
    inject(state, "../../outside/fresh", {"created": "outside DIR"})
    before = snapshot(tmp_path)

    assert main(["prompts", "pull", str(target)]) == 1

    line = one_error_line(capsys.readouterr().err)
    # A long name is shown cut short (tmp_path's length varies): its start is enough.
    assert "'../../outside/victim'" in line and repr(str(outside / "abs"))[:40] in line
    assert "'../../outside/fresh'" in line and "nothing was written" in line
    after = snapshot(tmp_path, skip=target)
    assert after == before  # nothing outside created, overwritten or deleted
    # Names are checked before any file is touched: not even the valid one was written.
    assert not target.exists() or list(target.iterdir()) == []


def test_pull_replaces_symlinks_in_the_folder_instead_of_writing_through_them(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("outside text")
    (outside / "config.json").write_text('{"outside": true}')
    target = tmp_path / "pulled"
    target.mkdir()
    (target / "greet.txt").symlink_to(outside / "secret.txt")
    (target / "system.json").symlink_to(outside / "config.json")  # becomes system.txt
    inject(state, "greet", "Hello from PostHog")
    inject(state, "system", "now a text prompt")
    before = snapshot(outside)

    assert main(["prompts", "pull", str(target)]) == 0

    assert snapshot(outside) == before
    assert not (target / "greet.txt").is_symlink()
    assert (target / "greet.txt").read_text() == "Hello from PostHog"
    assert not (target / "system.json").is_symlink() and not (target / "system.json").exists()
    assert (target / "system.txt").read_text() == "now a text prompt"


# -- item 6: line endings survive pull then push ----------------------------------------------


def test_pull_then_push_of_cr_crlf_and_mixed_endings_publishes_nothing(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    texts = {
        "crlf": "You are helpful.\r\nGreet {{name}}.\r\n",
        "cr": "You are helpful.\rGreet {{name}}.\r",
        "mixed": "one\r\ntwo\nthree\rfour",
        "json": {"system": "line one\r\nline two\r"},
    }
    for name, content in texts.items():
        inject(state, name, content)
    folder = tmp_path / "prompts"

    assert main(["prompts", "pull", str(folder)]) == 0
    for name in ("crlf", "cr", "mixed"):
        assert (folder / f"{name}.txt").read_bytes() == texts[name].encode()
    capsys.readouterr()

    assert main(["prompts", "push", str(folder)]) == 0
    assert "summary: 4 unchanged" in capsys.readouterr().out
    assert writes(state) == 0
    for name, content in texts.items():
        assert live(state, name) == [(1, content)]


# -- item 5: push compares exact JSON -----------------------------------------------------------


def test_push_publishes_a_change_of_json_type_and_skips_a_change_of_key_order(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "flags", {"stream": 1, "temperature": 0, "tools": [{"strict": 0.0}]})
    inject(state, "ordered", {"a": 1, "b": [True, None]})
    (tmp_path / "flags.json").write_text(
        '{"stream": true, "temperature": 0.0, "tools": [{"strict": 0}]}'
    )
    (tmp_path / "ordered.json").write_text('{"b": [true, null], "a": 1}')

    assert main(["prompts", "push", str(tmp_path)]) == 0
    assert "summary: 1 publish, 1 unchanged" in capsys.readouterr().out
    versions = live(state, "flags")
    assert [v for v, _ in versions] == [1, 2]
    latest = versions[-1][1]
    assert latest["stream"] is True and isinstance(latest["temperature"], float)
    assert type(latest["tools"][0]["strict"]) is int
    assert live(state, "ordered") == [(1, {"a": 1, "b": [True, None]})]

    assert main(["prompts", "push", str(tmp_path)]) == 0  # now the same JSON: idempotent
    assert "summary: 2 unchanged" in capsys.readouterr().out


# -- item 9: a diff of two ~1 MB prompts is bounded ------------------------------------------


def big_pair() -> tuple[str, str]:
    """Two ~0.9 MB texts on which difflib is quadratic (each old line, then a new one)."""
    lines = [f"{i:05d} " + "lorem ipsum dolor sit amet, " * 6 + "\n" for i in range(5000)]
    return "".join(lines), "".join(f"{line}n{i}\n" for i, line in enumerate(lines))


async def longest_stall(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``work()`` while a ticker measures the longest the event loop went unserved."""
    loop = asyncio.get_running_loop()
    stall = 0.0
    done = False

    async def tick() -> None:
        nonlocal stall
        while not done:
            before = loop.time()
            await asyncio.sleep(0.005)
            stall = max(stall, loop.time() - before)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)  # the ticker is waiting before the work starts
    started = time.perf_counter()
    try:
        result = await work()
    finally:
        done = True
        await ticker
    return result, time.perf_counter() - started, stall


async def test_push_dry_run_of_two_1mb_prompts_is_quick_and_leaves_the_loop_free(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, url = server
    old, new = big_pair()
    inject(state, "big", old)
    (tmp_path / "big.txt").write_text(new)

    async with AsyncPostHog(api_key=KEY, project_id="7", host=url) as client:
        outcomes, elapsed, stall = await longest_stall(lambda: push(client, tmp_path, dry_run=True))
    assert elapsed < 2.0 and stall < 0.5, (elapsed, stall)
    (outcome,) = outcomes
    assert outcome.action == "publish" and "too large to diff" in outcome.diff
    assert writes(state) == 0

    started = time.perf_counter()
    assert await asyncio.to_thread(main, ["prompts", "push", str(tmp_path), "--dry-run"]) == 0
    assert time.perf_counter() - started < 2.0
    out = capsys.readouterr().out
    assert "--- big@1" in out and "+++ big (local)" in out
    assert f"{len(old.encode()):,} bytes" in out and f"{len(new.encode()):,} bytes" in out
    assert out.count("sha256 ") == 2


async def test_push_without_dry_run_computes_no_diff(
    server: tuple[ServerState, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = server
    inject(state, "greet", "v1")
    (tmp_path / "greet.txt").write_text("v2")
    import posthog_api.cli._prompts as cli_module

    def no_diff(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("push computed a diff it does not print")

    monkeypatch.setattr(cli_module, "_diff", no_diff)
    async with AsyncPostHog(api_key=KEY, project_id="7", host=url) as client:
        (outcome,) = await push(client, tmp_path)
    assert (outcome.action, outcome.detail) == ("publish", "published version 2")
    assert live(state, "greet") == [(1, "v1"), (2, "v2")]


# -- item 19: every failure is one error line --------------------------------------------------


def test_a_prompt_file_nested_1500_levels_deep_is_one_error_line(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    (tmp_path / "deep.json").write_text("[" * 1500 + "]" * 1500)
    (tmp_path / "fine.txt").write_text("fine")

    assert main(["prompts", "push", str(tmp_path)]) == 2

    line = one_error_line(capsys.readouterr().err)
    assert "deep.json" in line and "nested too deeply" in line and "nothing was sent" in line
    assert state.request_count() == 0


def test_pull_into_a_regular_file_is_one_error_line_before_anything_is_sent(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "greet", "Hello")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")

    assert main(["prompts", "pull", str(a_file)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(a_file) in line and "not a directory" in line
    assert state.request_count() == 0
    assert a_file.read_text() == "not a folder"

    # Below a file: the OS refuses to create the folder; still one line, exit status 1.
    assert main(["prompts", "pull", str(a_file / "sub")]) == 1
    one_error_line(capsys.readouterr().err)


def use_transport(
    monkeypatch: pytest.MonkeyPatch, handler: Callable[[httpx.Request], httpx.Response]
) -> None:
    """Make the CLI's client talk to ``handler`` (a hostile server) instead of the network."""
    import posthog_api._client as client_module

    real = client_module.AsyncPostHog

    class Hostile(real):  # type: ignore[misc, valid-type]
        def __init__(self, **kwargs: Any) -> None:
            kwargs["transport"] = httpx.MockTransport(handler)
            super().__init__(**kwargs)

    monkeypatch.setattr(client_module, "AsyncPostHog", Hostile)
    monkeypatch.setenv("POSTHOG_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "7")
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", KEY)


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, b'{"detail": ' + DEEP + b"}"), (200, b'{"name": "x", "prompt": ' + DEEP + b"}")],
    ids=["error-body", "2xx-body"],
)
def test_a_deeply_nested_response_body_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], status: int, body: bytes
) -> None:
    use_transport(
        monkeypatch,
        lambda request: httpx.Response(
            status, content=body, headers={"content-type": "application/json"}
        ),
    )
    assert main(["prompts", "get", "greet"]) == 1
    captured = capsys.readouterr()
    one_error_line(captured.err)
    assert KEY not in captured.out + captured.err


def test_an_unexpected_exception_is_one_line_without_the_key(
    server: tuple[ServerState, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from posthog_api.resources.prompts import Prompts

    async def broken(self: Any, name: str, version: int | None = None, **_: Any) -> Any:
        raise TypeError(f"something broke near Bearer {KEY}")

    monkeypatch.setattr(Prompts, "fetch", broken)
    assert main(["prompts", "get", "greet"]) == 2  # a bug is an error that stopped it
    captured = capsys.readouterr()
    line = one_error_line(captured.err)
    assert "unexpected TypeError: something broke" in line and "report it" in line
    assert KEY not in captured.out + captured.err


def test_a_conflict_in_push_ends_with_one_error_line(
    server: tuple[ServerState, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    inject(state, "greet", "v1")
    (tmp_path / "greet.txt").write_text("local edit")

    from posthog_api.resources.prompts import Prompts

    real_publish = Prompts.publish

    async def someone_publishes_first(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        inject(state, name, "their edit")  # between our read and our write
        return await real_publish(self, name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Prompts, "publish", someone_publishes_first)
        assert main(["prompts", "push", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "summary: 1 conflict" in captured.out
    assert one_error_line(captured.err) == "error: 1 prompt(s) not pushed: greet (conflict)"
    assert json.dumps(live(state, "greet")) == json.dumps([[1, "v1"], [2, "their edit"]])
