"""How PostHog's published OpenAPI schema differs from openapi/posthog.yaml.

    python scripts/api_drift.py UPSTREAM [--ours openapi/posthog.yaml] [--json]

UPSTREAM is a file (JSON or YAML) or an http(s) URL, such as PostHog's own
https://us.posthog.com/api/schema/?format=json. Every operation of our spec is matched with
upstream's by method and route under either prefix (/api/projects/ or /api/environments/),
else by operationId, and compared: parameters, body fields, response fields, required sets,
types, formats and enums. Where ours is stricter than upstream (a format, an enum value or a
required field upstream does not promise) the report says so: that is how valid answers fail
to parse. Operations upstream no longer has, and upstream operations in our resource areas
that we lack, are listed.

Exit status: 1 when anything we model differs, 0 when nothing does (new upstream operations
may be listed), 2 on a usage, read or download error.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spec_walk as sw

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "posthog.yaml"
EXIT_SAME, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2
MAX_BYTES = 64 * 1024 * 1024  # PostHog's schema is about 6 MB
TIMEOUT = 60.0
# Operation-level attributes that are ours alone (tags, SDK names, prose) are not drift.
IGNORED = {"tags", "sdk_name", "summary", "description"}


# ----------------------------------------------------------------------------- reading


def fetch(source: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The upstream document from a file or an http(s) URL; DocumentError says what failed."""
    if source.startswith(("http://", "https://")):
        return sw.parse_document(_download(source, timeout), source)
    return sw.read_document(Path(source))


def _download(url: str, timeout: float) -> str:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise sw.DocumentError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise sw.DocumentError(f"cannot download {url}: {reason}") from None
    if len(body) > MAX_BYTES:
        raise sw.DocumentError(f"cannot download {url}: larger than {MAX_BYTES} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise sw.DocumentError(f"{url} did not answer with UTF-8 text") from None


# ---------------------------------------------------------------------------- matching


@dataclass
class Finding:
    """One operation of ours and what differs upstream."""

    ours: sw.Operation
    upstream: sw.Operation
    matched_by: str  # "route" or "operationId"
    changes: list[sw.Change]


@dataclass
class Report:
    ours: str
    upstream: str
    compared: int = 0
    findings: list[Finding] = field(default_factory=list)
    removed: list[sw.Operation] = field(default_factory=list)
    new: list[sw.Operation] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return bool(self.findings or self.removed)


def _index(upstream: list[sw.Operation]) -> tuple[dict[Any, list[sw.Operation]], dict[str, Any]]:
    by_route: dict[tuple[str, str], list[sw.Operation]] = {}
    by_id: dict[str, sw.Operation] = {}
    for op in upstream:
        by_route.setdefault(op.key, []).append(op)
        if op.operation_id:
            by_id.setdefault(op.operation_id, op)
    return by_route, by_id


def _same_prefix_first(ours: sw.Operation, candidates: list[sw.Operation]) -> sw.Operation:
    """Of upstream's routes for one operation, the one under our prefix, else the canonical."""
    mine = sw.split_prefix(ours.path)[0]
    rank = {mine: 0, "projects": 1}
    return min(candidates, key=lambda op: rank.get(sw.split_prefix(op.path)[0], 2))


def match(
    ours: list[sw.Operation], upstream: list[sw.Operation]
) -> tuple[list[tuple[sw.Operation, sw.Operation, str]], list[sw.Operation], list[sw.Operation]]:
    """Pairs (ours, upstream, how), ours without a match, upstream's left unmatched."""
    by_route, by_id = _index(upstream)
    pairs: list[tuple[sw.Operation, sw.Operation, str]] = []
    missing: list[sw.Operation] = []
    used: set[int] = set()
    for op in ours:
        candidates = by_route.get(op.key)
        if candidates:
            found, how = _same_prefix_first(op, candidates), "route"
        elif op.operation_id in by_id:
            found, how = by_id[op.operation_id], "operationId"
        else:
            missing.append(op)
            continue
        pairs.append((op, found, how))
        used.update(id(c) for c in by_route.get(found.key, [found]))
    rest = [op for op in upstream if id(op) not in used]
    return pairs, missing, rest


def new_in_our_areas(ours: list[sw.Operation], rest: list[sw.Operation]) -> list[sw.Operation]:
    """Upstream operations we lack in the resource areas we cover, once per route."""
    areas = {sw.area(op.path) for op in ours} - {None}
    chosen: dict[tuple[str, str], sw.Operation] = {}
    for op in rest:
        if sw.area(op.path) not in areas:
            continue
        seen = chosen.get(op.key)
        if seen is None or sw.split_prefix(op.path)[0] == "projects":
            chosen[op.key] = op
    return sorted(chosen.values(), key=lambda op: (op.path, op.method))


# ------------------------------------------------------------------------- differences


def drift_changes(
    ours: sw.Operation, upstream: sw.Operation, ow: sw.Walker, uw: sw.Walker
) -> list[sw.Change]:
    """What differs in what we model; prose, tags and SDK names are ours alone."""
    out = []
    for change in sw.compare_operations(ours, upstream, ow, uw):
        if change.kind in IGNORED:
            continue
        if change.kind == "scopes" and not upstream.scopes:
            continue  # upstream does not say which scopes it needs
        out.append(change)
    return out


def _is_response(change: sw.Change) -> bool:
    return change.where[0].startswith("response")


def is_stricter(change: sw.Change) -> bool:
    """Whether our spec accepts less here than upstream promises (left is ours)."""
    before, after = change.before, change.after
    if change.kind == "format":
        return before is not None
    if change.kind == "enum":
        return before is not None and (after is None or bool(set(after) - set(before)))
    if change.kind == "required":
        return before is True and after is False
    if change.kind == "nullable":
        return before is False and after is True
    if change.kind == "type":
        return not sw.accepts(before, after)
    if change.kind == "removed":
        return _is_response(change) and change.where[1] != "" and before.required
    return False


def _enum_message(before: Any, after: Any) -> str:
    if before is None:
        return f"upstream has an enum ({sw.show(after)}), ours has none"
    if after is None:
        return f"ours is an enum ({sw.show(before)}), upstream has none"
    added = [v for v in after if v not in before]
    dropped = [v for v in before if v not in after]
    parts = []
    if added:
        parts.append(f"upstream adds {sw.show(tuple(added))}")
    if dropped:
        parts.append(f"upstream drops {sw.show(tuple(dropped))}")
    return "enum: " + "; ".join(parts)


def describe(change: sw.Change) -> str:
    """One line for a reader: where, what differs, and when ours is the stricter side."""
    place = change.place
    text = _what(change)
    return text if place == "operation" else f"{place}: {text}"


def _what(change: sw.Change) -> str:
    """What differs, without where."""
    kind, before, after = change.kind, change.before, change.after
    if kind == "path":
        moved = sw.prefix_move(before, after)
        if moved:
            text = f"upstream serves it only under /api/{moved[1]}/, ours under /api/{moved[0]}/"
        else:
            text = f"route: ours {before}, upstream {after}"
    elif kind == "operation_id":
        text = f"operationId: ours {before}, upstream {after}"
    elif kind == "deprecated":
        text = "upstream marks it deprecated" if after else "upstream no longer marks it deprecated"
    elif kind == "scopes":
        text = f"scopes: ours {sw.show(before)}, upstream {sw.show(after)}"
    elif kind == "removed":
        text = f"upstream has no such {sw.thing(change)}"
        if _is_response(change) and not change.where[1]:
            text = f"upstream does not answer {change.where[0].split()[1]}"
    elif kind == "added":
        text = f"upstream adds this {sw.thing(change)} (ours lacks it)"
        if not _is_response(change) and after.required:
            text = f"upstream adds this {sw.thing(change)}, required (ours lacks it)"
        if _is_response(change) and not change.where[1]:
            text = f"upstream also answers {change.where[0].split()[1]} (ours does not)"
    elif kind == "enum":
        text = _enum_message(before, after)
    else:
        text = f"{kind}: ours {sw.show(before)}, upstream {sw.show(after)}"
    if is_stricter(change):
        text += " -- ours is STRICTER than upstream: " + (
            "valid answers may fail to parse"
            if _is_response(change)
            else "the SDK refuses input upstream accepts"
        )
    return text


# ----------------------------------------------------------------------------- report


def build_report(
    ours_doc: dict[str, Any], upstream_doc: dict[str, Any], ours_name: str, upstream_name: str
) -> Report:
    ours = list(sw.iter_operations(ours_doc))
    upstream = list(sw.iter_operations(upstream_doc))
    ow, uw = sw.Walker(ours_doc), sw.Walker(upstream_doc)
    pairs, missing, rest = match(ours, upstream)
    report = Report(ours_name, upstream_name, compared=len(pairs), removed=missing)
    for mine, theirs, how in pairs:
        changes = drift_changes(mine, theirs, ow, uw)
        if changes:
            report.findings.append(Finding(mine, theirs, how, changes))
    report.new = new_in_our_areas(ours, rest)
    return report


def render_text(report: Report) -> str:
    stricter = sum(1 for f in report.findings if any(is_stricter(c) for c in f.changes))
    lines = [
        f"API drift: {report.ours} (ours) against {report.upstream} (upstream)",
        f"{len(report.findings)} of {report.compared + len(report.removed)} operations we model "
        f"differ ({stricter} where ours is STRICTER); {len(report.removed)} removed upstream; "
        f"{len(report.new)} new upstream in our resource areas.",
    ]
    groups = sw.group((f.ours.operation_id, c) for f in report.findings for c in f.changes)
    shared = [g for g in groups if len(g.operation_ids) > 1]
    if shared:
        lines += ["", "The same difference in several operations (a schema or prefix they share):"]
        for g in shared:
            subject = g.change.origin or ("route" if g.change.kind == "path" else g.change.place)
            lines.append(f"  - {subject}: {_what(g.change)}")
            lines.append(
                f"      in {len(g.operation_ids)} operations: {', '.join(g.operation_ids)}"
            )
    alone = {id(c) for g in groups if len(g.operation_ids) == 1 for _, c in g.members}
    for finding in report.findings:
        own = [c for c in finding.changes if id(c) in alone]
        if not own:
            continue
        how = "" if finding.matched_by == "route" else "  (matched by operationId)"
        lines += ["", finding.ours.label + how]
        lines += [f"  - {describe(c)}" for c in own]
    if report.removed:
        lines += ["", "Removed upstream (no operation with this method and route, nor this id):"]
        lines += [f"  - {op.label}" for op in report.removed]
    if report.new:
        lines += ["", "New upstream operations in our resource areas (ours lacks them):"]
        lines += [f"  - {op.label}" for op in report.new]
    if not report.drifted:
        lines += ["", "Nothing we model differs."]
    return "\n".join(lines) + "\n"


def _op_json(op: sw.Operation) -> dict[str, Any]:
    return {"operation_id": op.operation_id, "method": op.method, "path": op.path}


def render_json(report: Report) -> dict[str, Any]:
    return {
        "ours": report.ours,
        "upstream": report.upstream,
        "drifted": report.drifted,
        "summary": {
            "compared": report.compared,
            "differ": len(report.findings),
            "stricter": sum(any(is_stricter(c) for c in f.changes) for f in report.findings),
            "stricter_differences": sum(is_stricter(c) for f in report.findings for c in f.changes),
            "removed": len(report.removed),
            "new_upstream": len(report.new),
        },
        "operations": [
            {
                **_op_json(f.ours),
                "upstream_operation_id": f.upstream.operation_id,
                "upstream_path": f.upstream.path,
                "matched_by": f.matched_by,
                "differences": [
                    {
                        "where": c.place,
                        "schema": c.origin or None,
                        "kind": c.kind,
                        "ours": sw.to_json(c.before),
                        "upstream": sw.to_json(c.after),
                        "stricter": is_stricter(c),
                        "message": describe(c),
                    }
                    for c in f.changes
                ],
            }
            for f in report.findings
        ],
        "removed": [_op_json(op) for op in report.removed],
        "new_upstream": [_op_json(op) for op in report.new],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="api_drift.py",
        description="Compare openapi/posthog.yaml with PostHog's published OpenAPI schema.",
    )
    parser.add_argument("upstream", help="PostHog's schema: a JSON or YAML file, or a URL")
    parser.add_argument("--ours", type=Path, default=SPEC, help="our spec (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        ours_doc = sw.read_document(args.ours)
        upstream_doc = fetch(args.upstream)
        report = build_report(ours_doc, upstream_doc, _name(args.ours), args.upstream)
    except sw.DocumentError as exc:
        print(f"api-drift: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(render_json(report), indent=2, default=str))
    else:
        print(render_text(report), end="")
    return EXIT_DRIFT if report.drifted else EXIT_SAME


def _name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
