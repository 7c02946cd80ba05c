"""The test harness (tests/harness): a real program and a real dynamic provider host, without the CLI."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# pytest imports this file as a top-level module (tests/ has no __init__.py); `tests.harness` needs the repo
# root on sys.path, which `python -m pytest` adds but a bare `pytest` does not.
if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness import UNKNOWN, Harness, HarnessError, UpResult
from tests.harness._wire import SECRET_SIG, SIG_KEY

PROGRAM = Path(__file__).parent / "harness" / "fixtures" / "counter_program"
COUNTER = "pulumi-python:dynamic/harness:Counter"
STACK_URN = "urn:pulumi:dev::counters::pulumi:pulumi:Stack::counters-dev"
GROUP_URN = "urn:pulumi:dev::counters::harness:index:Group::group"


def counter_urn(index: int) -> str:
    return f"urn:pulumi:dev::counters::harness:index:Group${COUNTER}::counter{index}"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "files"
    path.mkdir()
    return path


@pytest.fixture
def make(tmp_path: Path, workdir: Path) -> Callable[..., Harness]:
    def factory(name: str = "state", **config: Any) -> Harness:
        return Harness(PROGRAM, tmp_path / f"{name}.json", config={"dir": str(workdir), **config})

    return factory


def files(workdir: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(workdir.iterdir())}


def provider_lines(result: UpResult) -> list[str]:
    return result.messages(source="provider")


def test_lifecycle_create_same_update_replace_delete_destroy(make: Callable[..., Harness], workdir: Path) -> None:
    with make(count=3, replace_on_value=True) as h:
        # up: everything is created, outputs come back, the state looks like the engine's.
        result = h.up()
        assert result.steps == [
            ("create", STACK_URN),
            ("create", GROUP_URN),
            ("create", counter_urn(0)),
            ("create", counter_urn(1)),
            ("create", counter_urn(2)),
        ]
        assert files(workdir) == {"c0.txt": "0", "c1.txt": "1", "c2.txt": "2"}
        assert result.outputs == {
            "paths": [str(workdir / f"c{i}.txt") for i in range(3)],
            "values": [0, 1, 2],
            "token": "s3cret",
        }
        assert h.outputs == result.outputs
        entry = h.resource("counter1")
        assert entry["urn"] == counter_urn(1)
        assert entry["type"] == COUNTER
        assert entry["id"] == str(workdir / "c1.txt")
        assert entry["parent"] == GROUP_URN
        assert entry["dependencies"] == [counter_urn(0)]
        assert entry["outputs"]["content"] == "1"
        provider = entry["inputs"]["__provider"]  # pickled by reference, and secret like the SDK makes it
        assert provider[SIG_KEY] == SECRET_SIG and len(provider["value"]) < 200
        stack = h.state["resources"][0]
        assert stack["urn"] == STACK_URN
        assert stack["outputs"]["token"] == {SIG_KEY: SECRET_SIG, "value": "s3cret"}
        # Logs: pulumi.log in the program arrives over Engine.Log; inside the provider host pulumi.log
        # has no engine, prints to stderr, and the engine shows that as infoerr.
        assert f"program: 3 counter(s) in {workdir}" in result.messages(source="program", severity="info")
        assert "info: counter: creating c0.txt" in result.messages(source="provider", severity="infoerr")

        # up again: nothing to do.
        again = h.up()
        assert again.summary == {"same": 5}
        assert provider_lines(again) == []
        assert again.outputs == result.outputs

        # A config change updates in place (replace_on_changes=["value"] does not bite: the provider's
        # diff says changes=True and the dynamic host never reports which keys changed).
        ids = [h.resource(f"counter{i}")["id"] for i in range(3)]
        h.set_config("value", 5)
        result = h.up()
        assert [result.ops(f"counter{i}") for i in range(3)] == [["update"]] * 3
        assert [h.resource(f"counter{i}")["id"] for i in range(3)] == ids
        assert files(workdir) == {"c0.txt": "5", "c1.txt": "6", "c2.txt": "7"}
        assert result.outputs["values"] == [5, 6, 7]
        assert h.resource("counter0")["inputs"]["value"] == 5
        assert "info: counter: updating c0.txt to 5" in provider_lines(result)

        # A replace-forcing change (create-before-delete) while dropping two counters from the program:
        # replacements first; after the program, the replaced and undeclared ones go, in reverse order.
        h.set_config("prefix", "d")
        h.set_config("count", 1)
        result = h.up()
        assert result.ops("counter0") == ["create-replacement", "replace", "delete-replaced"]
        assert [s for s in result.steps if s[0] not in ("same", "create-replacement", "replace")] == [
            ("delete", counter_urn(2)),
            ("delete", counter_urn(1)),
            ("delete-replaced", counter_urn(0)),
        ]
        assert files(workdir) == {"d0.txt": "5"}
        assert h.resource("counter0")["id"] == str(workdir / "d0.txt")
        assert [e["urn"] for e in h.state["resources"]] == [STACK_URN, GROUP_URN, counter_urn(0)]
        assert result.outputs["paths"] == [str(workdir / "d0.txt")]

        # destroy: everything, in reverse order.
        result = h.destroy()
        assert result.steps == [("delete", counter_urn(0)), ("delete", GROUP_URN), ("delete", STACK_URN)]
        assert provider_lines(result) == ["info: counter: deleting d0.txt"]
        assert h.state["resources"] == []
        assert files(workdir) == {}


def test_delete_before_replace_and_replace_on_changes_with_an_unknown_diff(
    make: Callable[..., Harness], workdir: Path
) -> None:
    # legacy_diff: the provider's diff returns changes=None, so the engine diffs the inputs itself and
    # replace_on_changes=["value"] turns the value change into a replacement; the provider's diff asks
    # for delete-before-replace (dbr), so the same file name survives.
    with make(dbr=True, legacy_diff=True, replace_on_value=True) as h:
        h.up()
        h.set_config("value", 3)
        result = h.up()
        assert result.ops("counter0") == ["delete-replaced", "replace", "create-replacement"]
        assert files(workdir) == {"c0.txt": "3"}
        assert provider_lines(result) == ["info: counter: deleting c0.txt", "info: counter: creating c0.txt"]


def test_refresh_adopts_out_of_band_changes_and_removals(make: Callable[..., Harness], workdir: Path) -> None:
    with make(count=2) as h:
        h.up()
        (workdir / "c0.txt").write_text("42")
        (workdir / "c1.txt").unlink()
        result = h.refresh()
        assert result.steps == [("update", counter_urn(0)), ("delete", counter_urn(1))]
        entry = h.resource("counter0")
        assert entry["outputs"]["value"] == 42 and entry["outputs"]["content"] == "42"
        assert entry["inputs"]["value"] == 42  # the provider returned inputs: adopted for the next diff
        assert entry["inputs"]["__provider"][SIG_KEY] == SECRET_SIG
        with pytest.raises(KeyError):
            h.resource("counter1")

        result = h.up()  # the program still says 0: converge back
        assert result.ops("counter0") == ["update"] and result.ops("counter1") == ["create"]
        assert files(workdir) == {"c0.txt": "0", "c1.txt": "1"}


def test_preview_plans_without_side_effects(make: Callable[..., Harness], tmp_path: Path, workdir: Path) -> None:
    with make(count=2) as h:
        result = h.preview()
        assert result.summary == {"create": 4}
        assert files(workdir) == {}
        assert not (tmp_path / "state.json").exists()
        assert result.outputs["values"] == [0, 1]  # known inputs pass through
        assert UNKNOWN in str(result.outputs["paths"])  # provider-computed outputs are unknown
        assert provider_lines(result) == []

        h.up()
        before = h.state
        h.set_config("value", 5)
        h.set_config("prefix", "p")
        result = h.preview()
        assert result.ops("counter0") == ["create-replacement", "replace", "delete-replaced"]
        assert h.state == before
        assert files(workdir) == {"c0.txt": "0", "c1.txt": "1"}
        assert provider_lines(result) == []


def test_provider_errors_surface_and_keep_what_completed(make: Callable[..., Harness], workdir: Path) -> None:
    with make(count=2, fail_on="create", fail_index=1) as h:
        # create fails for counter1: counter0 stays in the state, the error carries the provider's text.
        with pytest.raises(HarnessError, match="counter c1: injected create failure") as info:
            h.up()
        assert "Traceback" in str(info.value)  # the provider host sends the traceback
        assert info.value.result.ops("counter0") == ["create"]
        assert [e["urn"] for e in h.state["resources"]] == [STACK_URN, GROUP_URN, counter_urn(0)]
        assert files(workdir) == {"c0.txt": "0"}

        # update fails for counter0: its old state is kept and nothing after it runs.
        h.set_config("fail_on", "update")
        h.set_config("fail_index", 0)
        h.set_config("value", 5)
        with pytest.raises(HarnessError, match="counter c0: injected update failure") as info:
            h.up()
        assert not info.value.result.ops("counter1")
        assert h.resource("counter0")["outputs"]["value"] == 0
        assert files(workdir) == {"c0.txt": "0"}

        # delete fails for counter0 on destroy: counter1 is gone, counter0 stays.
        h.set_config("fail_on", "delete")
        h.set_config("value", 0)
        result = h.up()
        assert result.ops("counter0") == ["update"] and result.ops("counter1") == ["create"]
        with pytest.raises(HarnessError, match="counter c0: injected delete failure") as info:
            h.destroy()
        assert info.value.result.steps == [("delete", counter_urn(1))]
        assert [e["urn"] for e in h.state["resources"]] == [STACK_URN, GROUP_URN, counter_urn(0)]
        assert files(workdir) == {"c0.txt": "0"}


def test_protect_ignore_changes_and_retain_on_delete(make: Callable[..., Harness], workdir: Path) -> None:
    with make(protect=True, ignore_value=True) as h:
        h.up()
        with pytest.raises(HarnessError, match="marked for protection"):
            h.destroy()
        h.set_config("prefix", "d")
        with pytest.raises(HarnessError, match="marked for protection"):
            h.up()
        assert files(workdir) == {"c0.txt": "0"}
        assert h.resource("counter0")["protect"] is True

        h.set_config("protect", False)
        h.set_config("retain", True)
        h.remove_config("prefix")
        h.set_config("value", 9)  # ignored: reset to the old input before check and diff
        assert h.up().ops("counter0") == ["same"]
        assert h.resource("counter0")["inputs"]["value"] == 0
        assert h.resource("counter0")["protect"] is False
        assert h.destroy().summary == {"delete": 3}
        assert h.state["resources"] == []
        assert files(workdir) == {"c0.txt": "0"}  # retained: forgotten, not deleted


def test_import_and_read_adopt_existing_resources(make: Callable[..., Harness], workdir: Path) -> None:
    path = workdir / "imp0.txt"
    path.write_text("7")
    other = workdir / "other.txt"
    other.write_text("3")
    with make(prefix="imp", value=7, import_id=str(path), read_id=str(other)) as h:
        result = h.up()
        assert result.ops("counter0") == ["import"]  # read with the id, inputs match: nothing else to do
        assert result.ops("reader") == ["read"]
        assert result.outputs["read_content"] == "3"
        assert provider_lines(result) == []
        entry = h.resource("counter0")
        assert entry["id"] == str(path) and entry["outputs"]["content"] == "7"
        assert h.resource("reader")["external"] is True

        h.set_config("value", 8)
        h.remove_config("read_id")
        result = h.up()
        assert result.ops("counter0") == ["update"]  # imported once, then managed like any other
        assert result.ops("reader") == ["discard"]  # forgotten, never deleted
        assert files(workdir) == {"imp0.txt": "8", "other.txt": "3"}


def test_program_and_check_errors(make: Callable[..., Harness]) -> None:
    with make(explode=True) as h, pytest.raises(HarnessError, match="program exploded on purpose"):
        h.up()
    with make("check", value=-1) as h, pytest.raises(HarnessError, match="must be a number >= 0"):
        h.up()
    with make("foreign", foreign=True) as h, pytest.raises(HarnessError, match="only runs dynamic resources"):
        h.up()
