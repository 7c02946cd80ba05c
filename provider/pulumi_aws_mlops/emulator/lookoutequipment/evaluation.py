"""What a training's evaluation finds: the model's predictions on the evaluation window against the labels.

`ModelMetrics` is the JSON document the service documents (and its getting-started notebook shows):
`labeled_ranges`, `labeled_event_metrics` (`num_labeled`, `num_identified`,
`total_warning_time_in_seconds`), `predicted_ranges` (each with `diagnostics` for every sensor of the
model), `unknown_event_metrics` (`num_identified`, `total_duration_in_seconds`), plus the fields the
newer versions add: `data_start_time`, `data_end_time`, `labels_present` and, when labels are present,
`model_version_metrics` (`precision`, `recall`, `mean_fractional_lead_time`, `auc`).

How the figures are counted (the service does not publish its own rules):
- a predicted range is a run of readings predicted anomalous; runs less than `MERGE_GAP` readings apart
  are one event;
- a labelled range is identified when a predicted range overlaps it; its warning time runs from the
  start of the earliest such range to the end of the label (the failure), so an event that begins
  before the label warns for longer than the label lasts; a predicted range that overlaps no label is
  an unknown event;
- precision: the share of predicted ranges that overlap a label; recall: the share of labels
  identified; mean fractional lead time: the warning time over the label's duration (at most 1),
  averaged over the labels; auc: the point-wise ROC AUC of the anomaly score against "inside a label".

ModelQuality (the service says only "based on training metrics", with no threshold): with no labels in
the evaluation window, CANNOT_DETERMINE_QUALITY; otherwise QUALITY_THRESHOLD_MET when at least half of
the labelled events are identified and unknown events number at most `MAX_FALSE_ALARMS_PER_30_DAYS`
per 30 days of evaluated data; POOR_QUALITY_DETECTED when not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..core.timestamps import iso
from .frames import Sensor, moment, sensor_label

MERGE_GAP = 3
MAX_FALSE_ALARMS_PER_30_DAYS = 2.0
QUALITY_MET = "QUALITY_THRESHOLD_MET"
QUALITY_POOR = "POOR_QUALITY_DETECTED"
QUALITY_UNKNOWN = "CANNOT_DETERMINE_QUALITY"
# DescribeModel's ModelMetrics is a string of at most 50000 characters.
MAX_METRICS_LENGTH = 50_000


@dataclass(frozen=True)
class Event:
    """A predicted anomalous range: from its first flagged reading to one interval after its last."""

    start: datetime
    end: datetime
    contributions: np.ndarray  # mean share of each sensor over the event, summing to 1

    def diagnostics(self, sensors: Sequence[Sensor], digits: int = 5) -> list[dict[str, Any]]:
        return [{"name": sensor_label(sensor), "value": round(float(share), digits)}
                for sensor, share in zip(sensors, self.contributions, strict=True)]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start <= end and self.end >= start


def events(times: np.ndarray, prediction: np.ndarray, contributions: np.ndarray, step: int) -> list[Event]:
    """The runs of anomalous readings (readings `MERGE_GAP` intervals apart or closer join one run)."""
    flagged = np.flatnonzero(prediction == 1)
    if not len(flagged):
        return []
    breaks = np.flatnonzero(np.diff(times[flagged]) > MERGE_GAP * step) + 1
    found = []
    for run in np.split(flagged, breaks):
        share = contributions[run].mean(axis=0)
        share = share / share.sum() if share.sum() > 0 else share
        found.append(Event(moment(times[run[0]]), moment(times[run[-1]] + step), share))
    return found


@dataclass(frozen=True)
class Evaluation:
    metrics: str
    quality: str


def evaluate(*, sensors: Sequence[Sensor], window: tuple[datetime, datetime], labels: Sequence[tuple[datetime, datetime]],
             times: np.ndarray, anomaly: np.ndarray, prediction: np.ndarray, contributions: np.ndarray,
             step: int) -> Evaluation:
    """The ModelMetrics document and ModelQuality of predictions (scored readings only: not the machine
    at rest) over the evaluation `window`."""
    start, end = window
    labelled = sorted((max(s, start), min(e, end)) for s, e in labels if e > start and s < end)
    predicted = events(times, prediction, contributions, step)

    identified = 0
    warning = 0.0
    fractions = []
    for label_start, label_end in labelled:
        matching = [event for event in predicted if event.overlaps(label_start, label_end)]
        if matching:
            identified += 1
            lead = (label_end - min(event.start for event in matching)).total_seconds()
            warning += lead
            fractions.append(min(1.0, lead / max((label_end - label_start).total_seconds(), 1.0)))
        else:
            fractions.append(0.0)
    unknown = [event for event in predicted if not any(event.overlaps(s, e) for s, e in labelled)]
    document: dict[str, Any] = {
        "labeled_ranges": [{"start": iso(s), "end": iso(e)} for s, e in labelled],
        "labeled_event_metrics": {"num_labeled": len(labelled), "num_identified": identified,
                                  "total_warning_time_in_seconds": warning},
        "predicted_ranges": [],
        "unknown_event_metrics": {
            "num_identified": len(unknown),
            "total_duration_in_seconds": sum((event.end - event.start).total_seconds() for event in unknown)},
        "data_start_time": iso(start),
        "data_end_time": iso(end),
        "labels_present": bool(labelled),
    }
    if labelled:
        inside = np.zeros(len(times), dtype=bool)
        for label_start, label_end in labelled:
            inside |= (times >= label_start.timestamp()) & (times <= label_end.timestamp())
        matched = len(predicted) - len(unknown)
        document["model_version_metrics"] = {
            "precision": matched / len(predicted) if predicted else 0.0,
            "recall": identified / len(labelled),
            "mean_fractional_lead_time": float(np.mean(fractions)),
            "auc": _auc(anomaly, inside),
        }
    document["predicted_ranges"] = _ranges_that_fit(document, predicted, unknown, sensors)
    return Evaluation(json.dumps(document), _quality(labelled, identified, len(unknown), times, step))


def _quality(labelled: list[tuple[datetime, datetime]], identified: int, false_alarms: int, times: np.ndarray,
             step: int) -> str:
    if not labelled:
        return QUALITY_UNKNOWN
    # Days of readings evaluated (the machine at rest is not evaluated), at least one.
    evaluated_days = max(len(times) * step / 86400, 1.0)
    rate = false_alarms / evaluated_days * 30
    return QUALITY_MET if identified / len(labelled) >= 0.5 and rate <= MAX_FALSE_ALARMS_PER_30_DAYS else QUALITY_POOR


def _auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Point-wise ROC AUC (the Mann-Whitney statistic, ties counted half); 0.5 without both classes."""
    positives, negatives = int(positive.sum()), int((~positive).sum())
    if not positives or not negatives:
        return 0.5
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    # Average ranks over ties.
    sorted_scores = score[order]
    boundaries = np.flatnonzero(np.diff(sorted_scores)) + 1
    for group in np.split(np.arange(len(score)), boundaries):
        if len(group) > 1:
            ranks[order[group]] = ranks[order[group]].mean()
    return float((ranks[positive].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _ranges_that_fit(document: dict[str, Any], predicted: list[Event], unknown: list[Event],
                     sensors: Sequence[Sensor]) -> list[dict[str, Any]]:
    """Every predicted range when the document fits the service's 50000 characters; otherwise the ranges
    that overlap labels, then the longest unknown events, as many as fit (the counts still cover all)."""
    def shaped(event: Event) -> dict[str, Any]:
        return {"start": iso(event.start), "end": iso(event.end), "diagnostics": event.diagnostics(sensors)}

    ranges = [shaped(event) for event in predicted]
    if len(json.dumps({**document, "predicted_ranges": ranges})) <= MAX_METRICS_LENGTH:
        return ranges
    unknown_ids = {id(event) for event in unknown}
    ordered = [e for e in predicted if id(e) not in unknown_ids] + sorted(unknown, key=lambda e: e.start - e.end)
    budget = MAX_METRICS_LENGTH - len(json.dumps(document))
    kept: list[Event] = []
    for event in ordered:
        size = len(json.dumps(shaped(event))) + 2
        if size > budget:
            break
        budget -= size
        kept.append(event)
    return [shaped(event) for event in sorted(kept, key=lambda e: e.start)]
