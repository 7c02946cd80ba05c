"""The model behind training and inference, on its own: the detector, the readings it is given, its evaluation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from pulumi_aws_mlops.dataset_schema import DatasetSchema
from pulumi_aws_mlops.emulator.lookoutequipment import anomaly, evaluation, frames, versions
from pulumi_aws_mlops.emulator.lookoutequipment.ingestion import S3File, ingest
from pulumi_aws_mlops.emulator.sample_data import pump

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def machine(rows: int, seed: int = 1) -> np.ndarray:
    """Four sensors tied together by a load that moves between operating points, with noise."""
    rng = np.random.default_rng(seed)
    load = 0.6 + 0.3 * np.sin(np.arange(rows) / 40) + rng.normal(0, 0.02, rows)
    return np.column_stack([40 * load, 20 + 30 * load ** 2, 1 + 0.5 * load, 400 - 3 * load]) + rng.normal(
        0, [0.4, 0.5, 0.03, 1.5], (rows, 4))


def test_normal_readings_stay_below_the_threshold_and_a_broken_relationship_is_flagged() -> None:
    model = anomaly.fit(machine(1500))
    normal = model.score(machine(1000, seed=2))
    assert normal.prediction.mean() < 0.01
    assert ((normal.anomaly >= 0) & (normal.anomaly < 1)).all()

    faulty = machine(400, seed=3)
    faulty[200:, 2] += 0.3  # the third sensor drifts away from what the load says it should read
    scores = model.score(faulty)
    assert scores.prediction[:200].sum() == 0
    assert scores.prediction[210:].mean() > 0.9
    assert np.allclose(scores.contributions.sum(axis=1), 1.0)
    assert (scores.contributions[210:].argmax(axis=1) == 2).mean() > 0.9, "the diagnostics name the drifting sensor"


def test_scoring_in_pieces_continues_the_moving_average() -> None:
    model = anomaly.fit(machine(1000))
    readings = machine(300, seed=5)
    whole = model.score(readings)
    first = model.score(readings[:120])
    second = model.score(readings[120:], first.state)
    assert np.allclose(np.concatenate([first.anomaly, second.anomaly]), whole.anomaly)


def test_missing_readings_are_estimated_not_alarmed() -> None:
    training = machine(2000)
    training[::50, 1] = np.nan
    model = anomaly.fit(training)
    readings = machine(300, seed=7)
    readings[100:110, 0] = np.nan
    assert model.score(readings).prediction.sum() == 0


def test_too_few_rows_to_fit() -> None:
    with pytest.raises(anomaly.NotEnoughData, match="3 usable rows"):
        anomaly.fit(machine(3))


def test_resampling_fills_short_gaps_and_the_off_condition_masks_rows() -> None:
    sensors = (("pump", "current"), ("pump", "flow"))
    times = np.array([0, 30, 60, 90, 600 * 12], dtype=np.int64)
    frame = frames.Frame.from_series(sensors, [(times, np.array([1.0, 3.0, 5.0, 7.0, 9.0])),
                                               (times[:1], np.array([2.0]))])
    resampled = frame.resampled(60)
    assert resampled.times.tolist() == [0, 60, 7200]
    assert resampled.values[:, 0].tolist() == [2.0, 6.0, 9.0]
    # The flow's single reading stands in for the next minute, not for two hours later.
    assert resampled.values[1, 1] == 2.0 and np.isnan(resampled.values[2, 1])
    condition = frames.OffCondition.parse("pump\\current < 5")
    assert condition is not None and condition.mask(resampled).tolist() == [True, False, False]
    assert frames.OffCondition.parse("pump\\current > 5.5") == frames.OffCondition(("pump", "current"), False, 5.5)


def test_a_training_plan_leaves_out_labels_and_off_rows_at_its_sampling_rate() -> None:
    data = pump(days=4)
    schema = DatasetSchema.from_document(data.schema())
    result = ingest([S3File("b", key, body) for key, body in data.files("pump/").items()], bucket="b",
                    prefix="pump/", key_pattern="{prefix}/{component_name}/*", schema=schema)
    label = data.anomalies()[0]
    plan = versions.plan_training(result, schema, training_window=None, evaluation_window=None,
                                  labels=[(label.start, label.end)], sampling_rate="PT1H",
                                  off_condition="motor\\motor_current < 5")
    assert plan.step == 3600
    hours = 4 * 24
    labelled = (label.end - label.start) // timedelta(hours=1) + 1
    assert len(plan.training) == hours - labelled
    assert not frames.in_ranges(plan.training.times, [(label.start, label.end)]).any()
    native = versions.plan_training(result, schema, training_window=None, evaluation_window=None, labels=[],
                                    sampling_rate=None, off_condition=None)
    assert native.step == 600 and len(native.training) == hours * 6
    assert versions.training_seconds(len(native.training), 10, labelled=False) < plan.seconds * 2
    # The same training on the same data is fitted once.
    assert versions.trained(native) is versions.trained(native)


def test_metrics_count_labels_identified_warnings_and_unknown_events() -> None:
    step = 600
    times = (T0.timestamp() + step * np.arange(30 * 144)).astype(np.int64)
    prediction = np.zeros(len(times), dtype=np.int8)
    prediction[1000:1010] = 1   # an early warning running into the first label
    prediction[1012:1020] = 1   # MERGE_GAP readings later: the same event
    prediction[3000:3003] = 1   # a false alarm
    contributions = np.tile([0.7, 0.3], (len(times), 1))
    sensors = (("pump", "vibration"), ("pump", "flow"))
    first = (datetime.fromtimestamp(int(times[1005]), timezone.utc),
             datetime.fromtimestamp(int(times[1030]), timezone.utc))
    second = (datetime.fromtimestamp(int(times[2000]), timezone.utc),
              datetime.fromtimestamp(int(times[2010]), timezone.utc))
    window = (T0, T0 + timedelta(days=30))
    result = evaluation.evaluate(sensors=sensors, window=window, labels=[first, second], times=times,
                                 anomaly=prediction * 0.8, prediction=prediction, contributions=contributions,
                                 step=step)
    metrics = json.loads(result.metrics)
    assert [r["start"] for r in metrics["predicted_ranges"]] == [
        datetime.fromtimestamp(int(times[i]), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") for i in (1000, 3000)]
    assert metrics["predicted_ranges"][0]["diagnostics"] == [{"name": "pump\\vibration", "value": 0.7},
                                                              {"name": "pump\\flow", "value": 0.3}]
    assert metrics["labeled_event_metrics"] == {
        "num_labeled": 2, "num_identified": 1,
        "total_warning_time_in_seconds": (first[1] - datetime.fromtimestamp(int(times[1000]), timezone.utc)).total_seconds()}
    assert metrics["unknown_event_metrics"] == {"num_identified": 1, "total_duration_in_seconds": 3 * step}
    assert metrics["model_version_metrics"]["recall"] == 0.5 and metrics["model_version_metrics"]["precision"] == 0.5
    assert 0.5 < metrics["model_version_metrics"]["auc"] < 1
    # Half the labels found, one false alarm in 30 days: within the emulator's rule.
    assert result.quality == "QUALITY_THRESHOLD_MET"
    no_labels = evaluation.evaluate(sensors=sensors, window=window, labels=[], times=times, anomaly=prediction * 0.8,
                                    prediction=prediction, contributions=contributions, step=step)
    assert no_labels.quality == "CANNOT_DETERMINE_QUALITY" and "model_version_metrics" not in json.loads(
        no_labels.metrics)
    noisy = prediction.copy()
    noisy[::100] = 1  # an alarm every 17 hours
    poor = evaluation.evaluate(sensors=sensors, window=window, labels=[first, second], times=times,
                               anomaly=noisy * 0.8, prediction=noisy, contributions=contributions, step=step)
    assert poor.quality == "POOR_QUALITY_DETECTED"


def test_metrics_stay_within_the_services_50000_characters() -> None:
    step = 60
    times = (T0.timestamp() + step * np.arange(20000)).astype(np.int64)
    prediction = np.zeros(len(times), dtype=np.int8)
    prediction[::10] = 1  # 2000 separate events
    sensors = tuple(("pump", f"sensor_{i}") for i in range(30))
    contributions = np.full((len(times), 30), 1 / 30)
    result = evaluation.evaluate(sensors=sensors, window=(T0, T0 + timedelta(days=14)), labels=[], times=times,
                                 anomaly=prediction * 0.9, prediction=prediction, contributions=contributions,
                                 step=step)
    assert len(result.metrics) <= evaluation.MAX_METRICS_LENGTH
    metrics = json.loads(result.metrics)
    assert metrics["unknown_event_metrics"]["num_identified"] == 2000 and 0 < len(metrics["predicted_ranges"]) < 2000
