"""`posthog-api serve --latency/--error-rate/--rate-limit/--drop-rate`: the fault options land
on the server's ``state.faults`` and act on real requests over loopback; a value out of range
is an argparse error (exit status 2) naming the option."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import posthog_api.testing as testing
from posthog_api.cli import DEMO_KEY, main
from posthog_api.testing import ServerState, run_in_thread

LIST = "/api/projects/1/llm_prompts/"
HEADERS = {"Authorization": f"Bearer {DEMO_KEY}"}


def serve_with(
    monkeypatch: pytest.MonkeyPatch, args: list[str], requests: Callable[[httpx.Client], Any]
) -> Any:
    """Run ``posthog-api serve ARGS``, its server on a free port on a thread instead of
    blocking; ``requests`` talks to it over loopback and its result is returned."""
    result: list[Any] = []

    def serve(*, host: str, port: int, state: ServerState) -> None:
        with run_in_thread(state) as url, httpx.Client(base_url=url, headers=HEADERS) as client:
            result.append(requests(client))

    monkeypatch.setattr(testing, "serve", serve)
    assert main(["serve", *args]) == 0
    return result[0]


def test_error_rate_1_answers_every_request_500(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    statuses = serve_with(
        monkeypatch,
        ["--error-rate", "1"],
        lambda client: [client.get(LIST).status_code for _ in range(3)],
    )
    assert statuses == [500, 500, 500]
    assert "Fault:      100% of requests answered 500" in capsys.readouterr().out


def test_error_rate_answers_that_fraction(monkeypatch: pytest.MonkeyPatch) -> None:
    statuses = serve_with(
        monkeypatch,
        ["--error-rate", "0.5"],
        lambda client: [client.get(LIST).status_code for _ in range(40)],
    )
    assert set(statuses) == {200, 500}
    assert 8 <= statuses.count(500) <= 32


def test_rate_limit_answers_429_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    response = serve_with(
        monkeypatch, ["--rate-limit", "1", "--retry-after", "3"], lambda client: client.get(LIST)
    )
    assert response.status_code == 429 and response.headers["retry-after"] == "3"

    # The default Retry-After is short: a client that honours it is not held up for long.
    response = serve_with(monkeypatch, ["--rate-limit", "1"], lambda client: client.get(LIST))
    assert response.headers["retry-after"] == "1"


def test_drop_rate_1_closes_the_connection_without_an_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def request(client: httpx.Client) -> type[Exception] | None:
        try:
            client.get(LIST)
        except httpx.TransportError as error:
            return type(error)
        return None

    assert serve_with(monkeypatch, ["--drop-rate", "1"], request) is httpx.RemoteProtocolError


def test_latency_delays_every_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def timed(client: httpx.Client) -> float:
        start = time.perf_counter()
        assert client.get(LIST).status_code == 200
        return time.perf_counter() - start

    assert serve_with(monkeypatch, ["--latency", "0.3"], timed) >= 0.3


def test_without_fault_options_the_server_behaves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def check(client: httpx.Client) -> list[int]:
        return [client.get(LIST).status_code for _ in range(20)]

    assert serve_with(monkeypatch, [], check) == [200] * 20
    assert "Fault:" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--error-rate", "1.5"], "argument --error-rate: '1.5' is not between 0 and 1"),
        (["--drop-rate", "-0.1"], "argument --drop-rate: '-0.1' is not between 0 and 1"),
        (["--rate-limit", "ten"], "argument --rate-limit: 'ten' is not a number"),
        (["--rate-limit", "nan"], "argument --rate-limit: 'nan' is not a finite number"),
        (["--latency", "-1"], "argument --latency: '-1' is negative: give seconds >= 0"),
        (["--latency", "inf"], "argument --latency: 'inf' is not a finite number"),
        (["--retry-after", "0.5"], "argument --retry-after: '0.5' is not a whole number"),
    ],
)
def test_a_value_out_of_range_is_an_argparse_error(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    def must_not_serve(**kwargs: Any) -> None:
        raise AssertionError("served despite a bad option")

    monkeypatch.setattr(testing, "serve", must_not_serve)
    with pytest.raises(SystemExit) as exited:
        main(["serve", *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_the_command_serves_with_faults_in_its_own_process() -> None:
    """End to end: ``python -m posthog_api.cli serve --error-rate 1`` in its own process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "posthog_api.cli", "serve", "--port", str(port)]
    command += ["--error-rate", "1", "--latency", "0.05"]
    out, err = subprocess.PIPE, subprocess.DEVNULL
    with subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline() for _ in range(5)]
            assert "Fault:      every request delayed 0.05 s\n" in banner
            assert "Fault:      100% of requests answered 500\n" in banner
            deadline = time.monotonic() + 20
            while True:
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}{LIST}", headers=HEADERS)
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.05)
            assert response.status_code == 500
        finally:
            process.terminate()
