"""`posthog-api datasets push/pull DIR`: golden datasets as NAME.jsonl files, items matched
by a stable key, in process through the CLI's ``main`` against the local server over real
HTTP on 127.0.0.1 (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, writes

from posthog_api.cli import main
from posthog_api.cli._datasets import KEY as ITEM_KEY
from posthog_api.testing import ServerState

KEY = "phx_cli_datasets_key_0123456789"
PROJECT = "7"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    state = ServerState(project_id=PROJECT, keys={KEY: ["dataset:write"]})
    with cli_server(monkeypatch, state, KEY) as (served, _):
        yield served


def items(state: ServerState, name: str) -> list[dict[str, Any]]:
    with state.lock:
        (dataset,) = [d for d in state.datasets.values() if d["name"] == name and not d["deleted"]]
        rows = [r for r in state.dataset_items.values() if r["dataset"] == dataset["id"]]
        return [dict(r) for r in sorted(rows, key=lambda r: r["_seq"]) if not r["deleted"]]


def jsonl(*rows: dict[str, Any]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


GOLDEN = (
    {"input": {"question": "2+2?"}, "output": "4"},
    {"id": "capital", "input": "Capital of France?", "output": "Paris", "metadata": {"t": 1}},
    {"input": "Hi", "output": "Hello", "ref_trace_id": "trace-1", "ref_source_id": "gen-9",
     "ref_timestamp": "2026-01-31T12:00:00Z"},
)  # fmt: skip


def test_push_creates_then_an_unchanged_file_changes_nothing_and_check_gates(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "golden.jsonl").write_text(jsonl(*GOLDEN))

    assert main(["datasets", "push", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().out
    assert "create  golden: dataset to create; 3 to create" in out
    assert "create  line 2 (capital)" in out and writes(server) == 0

    assert main(["datasets", "push", str(tmp_path)]) == 0
    assert "golden: dataset created; 3 created" in capsys.readouterr().out
    stored = items(server, "golden")
    assert [row["input"] for row in stored] == [{"question": "2+2?"}, "Capital of France?", "Hi"]
    assert stored[1]["metadata"] == {"t": 1, ITEM_KEY: "capital"}
    assert stored[0]["metadata"][ITEM_KEY].startswith("sha256:")  # no id: a content hash
    assert (stored[2]["ref_trace_id"], stored[2]["ref_source_id"]) == ("trace-1", "gen-9")

    server.clear_requests()
    assert main(["datasets", "push", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "unchanged  golden: 3 unchanged",
        "summary: 1 unchanged",
    ]
    assert main(["datasets", "push", str(tmp_path), "--check", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["changes"] == 0 and doc["datasets"][0]["items"] == {"unchanged": 3}
    assert writes(server) == 0


def test_an_edited_line_updates_its_one_item_and_removed_lines_need_prune(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "golden.jsonl").write_text(jsonl(*GOLDEN))
    assert main(["datasets", "push", str(tmp_path)]) == 0
    ids = [row["id"] for row in items(server, "golden")]
    edited = dict(GOLDEN[1], output="Paris, France")
    (tmp_path / "golden.jsonl").write_text(jsonl(GOLDEN[0], edited))  # line 3 removed
    capsys.readouterr()

    assert main(["datasets", "push", str(tmp_path), "--check", "--json"]) == 1
    (dataset,) = json.loads(capsys.readouterr().out)["datasets"]
    assert dataset["items"] == {"update": 1, "unchanged": 1, "untracked": 1}
    assert dataset["changes"][0] == {
        "action": "update",
        "key": "capital",
        "line": 2,
        "item_id": ids[1],
    }
    assert dataset["changes"][1]["action"] == "untracked"  # the file is the truth
    assert dataset["changes"][1]["item_id"] == ids[2]

    server.clear_requests()
    assert main(["datasets", "push", str(tmp_path)]) == 0
    assert server.request_count("PATCH") == 1 and server.request_count("POST") == 0
    stored = items(server, "golden")
    assert [row["id"] for row in stored] == ids  # the same items: one updated in place
    assert stored[1]["output"] == "Paris, France"
    assert "1 item(s) not in the file stay in PostHog (push --prune" in capsys.readouterr().out

    assert main(["datasets", "push", str(tmp_path), "--prune"]) == 2  # no terminal, no --yes
    assert "add --yes" in capsys.readouterr().err
    assert main(["datasets", "push", str(tmp_path), "--prune", "--yes"]) == 0
    assert [row["id"] for row in items(server, "golden")] == ids[:2]
    with server.lock:
        assert server.dataset_items[ids[2]]["deleted"] is True  # soft-deleted, still there


def test_pull_writes_every_line_with_its_id_and_pull_then_push_is_a_no_op(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "golden.jsonl").write_text(jsonl(*GOLDEN))
    assert main(["datasets", "push", str(source)]) == 0
    pulled = tmp_path / "pulled"

    assert main(["datasets", "pull", str(pulled)]) == 0
    lines = (pulled / "golden.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["input"] for row in rows] == [{"question": "2+2?"}, "Capital of France?", "Hi"]
    assert rows[1] == {
        "id": "capital",
        "input": "Capital of France?",
        "output": "Paris",
        "metadata": {"t": 1},  # the key is the id, not metadata
    }
    assert (
        rows[0]["id"].startswith("sha256:") and rows[2]["ref_timestamp"] == "2026-01-31T12:00:00Z"
    )
    before = (pulled / "golden.jsonl").read_bytes()
    capsys.readouterr()

    server.clear_requests()
    assert main(["datasets", "push", str(pulled), "--check"]) == 0
    assert main(["datasets", "pull", str(pulled)]) == 0
    assert "0 dataset(s) written" in capsys.readouterr().out
    assert (pulled / "golden.jsonl").read_bytes() == before and writes(server) == 0

    # An edit after a pull updates in place: every pulled line has its id.
    rows[0]["output"] = "four"
    (pulled / "golden.jsonl").write_text(jsonl(*rows))
    assert main(["datasets", "push", str(pulled)]) == 0
    assert server.request_count("PATCH") == 1 and server.request_count("POST") == 0


def test_pull_keeps_the_order_of_the_lines_in_the_file_then_adds_the_new_items(
    server: ServerState, tmp_path: Path
) -> None:
    cases = [{"input": n, "output": n * 2, "metadata": {ITEM_KEY: f"case-{n}"}} for n in range(5)]
    server.seed_dataset("golden", cases)
    (tmp_path / "golden.jsonl").write_text(
        jsonl({"id": "case-3", "input": 3}, {"id": "case-1", "input": 1}, {"id": "gone"})
    )
    assert main(["datasets", "pull", str(tmp_path), "golden"]) == 0
    lines = (tmp_path / "golden.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [
        "case-3",  # the file's order first (its own lines, as PostHog has them now)
        "case-1",
        "case-0",  # then the items the file lacked, in PostHog's order
        "case-2",
        "case-4",
    ]
    assert json.loads(lines[0]) == {"id": "case-3", "input": 3, "output": 6}


BAD_LINES = [
    ('{"input": 1}\n{"input": 1}\n', "line 2: the same item as line 1"),
    ('{"id": "a", "input": 1}\n{"id": "a", "input": 2}\n', "line 2: the same item as line 1"),
    ('{"input": 1, "expected": 2}\n', "unknown field(s) 'expected'"),
    ('{"input": 1, "metadata": [1]}\n', "metadata must be a JSON object"),
    ('{"input": 1, "metadata": {"$item_key": "k"}}\n', "is reserved for the item's key"),
    ('{"input": 1, "ref_timestamp": "yesterday"}\n', "is not an ISO 8601 time"),
    ("[1, 2]\n", "expected a JSON object"),
    ("{not json\n", "line 1: Expecting property name"),
    ('{"id": "", "input": 1}\n', '"id" must be a non-empty string'),
]


def test_a_bad_line_stops_push_before_anything_is_sent(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.jsonl").write_text(jsonl(*GOLDEN))
    for text, expected in BAD_LINES:
        (tmp_path / "bad.jsonl").write_text(text)
        assert main(["datasets", "push", str(tmp_path), "--check"]) == 2, text
        err = capsys.readouterr().err
        assert err.startswith("error: nothing was sent; fix these files first: bad.jsonl: "), err
        assert expected in err, (expected, err)
    assert server.request_count() == 0


def test_pull_checks_every_dataset_name_before_writing_a_file(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_dataset("fine")
    server.seed_dataset("a/../../escape")
    target = tmp_path / "pulled"
    assert main(["datasets", "pull", str(target)]) == 1
    err = capsys.readouterr().err
    assert "'a/../../escape' holds a character not allowed in file names" in err
    assert "nothing was written" in err and not target.exists()
    assert main(["datasets", "pull", str(target), "fine"]) == 0  # the others, by name
    assert sorted(p.name for p in target.iterdir()) == ["fine.jsonl"]


def test_a_key_that_may_read_but_not_write_datasets_stops_at_the_first_refusal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = ServerState(project_id=PROJECT, keys={KEY: ["dataset:read"]})
    with cli_server(monkeypatch, state, KEY):
        (tmp_path / "golden.jsonl").write_text(jsonl(*GOLDEN))
        assert main(["datasets", "push", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "lacks the scope dataset:write" in err and KEY not in err
        assert state.request_count("POST") == 1  # the dataset's create, refused: nothing more
