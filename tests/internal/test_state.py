"""What the state keeps: an input declared `once` is kept among the inputs, its digest among the outputs; diff compares
the digest, check does not judge again a large document it judged last time, and outputs written before a field
was kept once still compare."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Annotated, Any

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pydantic import PlainValidator, ValidationInfo

from pulumi_aws_mlops import lookoutequipment, sagemaker
from pulumi_aws_mlops._internal.fields import IMMUTABLE, UPDATABLE, Input, ResourceInputs
from pulumi_aws_mlops._internal.inputs import UNKNOWN, json_document, judged_before
from pulumi_aws_mlops._internal.provider import DIGESTS_KEY, BaseProvider

FIXTURES = Path(__file__).parents[1] / "e2e" / "fixtures"
judged: list[Any] = []


def checked_document(value: Any, info: ValidationInfo) -> dict[str, Any]:
    """A large document's validator: it records each document it walks."""
    if judged_before(value, info):
        return value  # type: ignore[no-any-return]
    document = json_document(value)
    judged.append(document)
    if not isinstance(document, dict) or "parts" not in document:
        raise ValueError("must have parts")
    return {"parts": list(document["parts"])}


Document = Annotated[dict[str, Any], PlainValidator(checked_document)]


class ThingInputs(ResourceInputs):
    thing_name: Annotated[str, IMMUTABLE]
    document: Annotated[Document | None, Input(create=True, replaces=True, diff_form=json_document, once=True)] = None
    settings: Annotated[dict[str, str] | None, Input(create=True, update=True, once=True)] = None
    note: Annotated[str | None, UPDATABLE] = None


class ThingProvider(BaseProvider):
    kind = "thing"
    args_model = ThingInputs
    name_field = "thing_name"


DOCUMENT = {"parts": ["a", "b"]}


def outputs_of(inputs: dict[str, Any]) -> dict[str, Any]:
    """The outputs a provider reports for these inputs (what observe would read back), as the state keeps them."""
    return ThingProvider().stored_outputs({**inputs, "arn": "arn:thing"})


def test_the_outputs_keep_a_digest_of_what_the_inputs_keep() -> None:
    outputs = outputs_of({"thing_name": "t", "document": DOCUMENT, "settings": {"k": "v"}, "note": "n"})
    assert outputs == {"thing_name": "t", "note": "n", "arn": "arn:thing",
                       DIGESTS_KEY: {"document": ThingProvider().digest("document", DOCUMENT),
                                     "settings": ThingProvider().digest("settings", {"k": "v"})}}
    assert all(len(digest) == 16 for digest in outputs[DIGESTS_KEY].values()), "a few bytes each"
    assert DIGESTS_KEY not in outputs_of({"thing_name": "t"}), "nothing to digest, no digests"


def test_diff_compares_digests_of_comparable_forms() -> None:
    provider = ThingProvider()
    olds = outputs_of({"thing_name": "t", "document": DOCUMENT, "settings": {"k": "v"}})
    same = {"thing_name": "t", "document": json.dumps(DOCUMENT), "settings": {"k": "v"}}
    assert provider.diff("t", olds, same).changes is False, "the same document in another form is no change"
    replaced = provider.diff("t", olds, {**same, "document": {"parts": ["a", "c"]}})
    assert replaced.changes is True and replaced.replaces == ["document"]
    updated = provider.diff("t", olds, {**same, "settings": {"k": "w"}})
    assert updated.changes is True and updated.replaces == []
    assert provider.changed_keys(olds, {**same, "settings": None}) == {"settings"}, "unset is a change"
    assert provider.changed_keys(olds, {**same, "document": UNKNOWN}) == {"document"}, "unknown counts as changed"
    unset = outputs_of({"thing_name": "t", "document": DOCUMENT})
    assert provider.changed_keys(unset, {"thing_name": "t", "document": DOCUMENT}) == set()
    assert provider.changed_keys(unset, {"thing_name": "t", "document": DOCUMENT, "settings": {"k": "v"}}) == {
        "settings"}


def test_outputs_written_before_an_input_was_kept_once_still_compare() -> None:
    provider = ThingProvider()
    # A state of an earlier release: the outputs hold the values themselves, and no digests.
    olds = {"thing_name": "t", "document": DOCUMENT, "settings": {"k": "v"}, "arn": "arn:thing"}
    assert provider.diff("t", olds, {"thing_name": "t", "document": DOCUMENT, "settings": {"k": "v"}}).changes is False
    assert provider.diff("t", olds, {"thing_name": "t", "document": {"parts": ["x"]},
                                     "settings": {"k": "v"}}).replaces == ["document"]


def test_check_does_not_judge_again_the_document_it_judged_last_time() -> None:
    provider = ThingProvider()
    news = {"thing_name": "t", "document": json.dumps(DOCUMENT)}
    judged.clear()
    first = dict(provider.check({}, news).inputs)
    assert first["document"] == DOCUMENT and judged, "a new document is judged"
    judged.clear()
    again = provider.check(first, {"thing_name": "t", "document": dict(DOCUMENT)})
    assert again.failures == [] and again.inputs["document"] == DOCUMENT
    assert judged == [], "equal to the old inputs: judged last time, not walked again"
    changed = provider.check(first, {"thing_name": "t", "document": {"pieces": []}})
    assert [f.property for f in changed.failures] == ["document"], "a changed document is judged"


def test_an_input_kept_once_must_be_read_back() -> None:
    with pytest.raises(ValueError, match="must be read back"):
        Input(create=True, read_back=False, once=True)


# -- the provider, which the SDK pickles into the inputs and the outputs of every resource -------------------------------
def every_exported_provider() -> list[type[BaseProvider]]:
    return [getattr(package, name) for package in (lookoutequipment, sagemaker)
            for name in package.__all__ if name.endswith("Provider")]


@pytest.mark.parametrize("provider_class", every_exported_provider(), ids=lambda c: c.__name__)
def test_a_provider_is_pickled_as_its_resource_type_and_comes_back_as_such(provider_class: type[BaseProvider]) -> None:
    raw = base64.b64decode(serialize_provider(provider_class()))
    assert provider_class.__module__.encode() not in raw, "a call with its resource type, not its class's module path"
    assert type(dill.loads(raw)) is provider_class


def test_resource_types_are_unique_across_packages() -> None:
    names = [c.__name__ for c in every_exported_provider()]
    assert len(names) == len(set(names))


def test_a_provider_pickled_by_an_earlier_release_still_comes_back() -> None:
    fixture = json.loads((FIXTURES / "lookout-equipment-state-32f10a3.json").read_text())
    for resource in fixture["deployment"]["resources"]:
        if resource["type"].startswith("pulumi-python:dynamic/"):
            old = resource["outputs"]["__provider"]
            assert len(old) > 100, "the earlier release pickled the class by its module path"
            assert type(dill.loads(base64.b64decode(old))).__name__ == resource["type"].rsplit(":", 1)[1] + "Provider"


def test_a_subclass_of_a_provider_pickles_as_itself() -> None:
    pickled = serialize_provider(QuickDatasetProvider())
    assert type(dill.loads(base64.b64decode(pickled))) is QuickDatasetProvider


class QuickDatasetProvider(lookoutequipment.DatasetProvider):
    """What a test (or a user) derives from a provider: not a resource type of the package."""
