"""The anomaly model behind training and scheduled inference: a robust multivariate detector, in numpy.

Lookout for Equipment never said which algorithms it runs ("deep learning, statistical and traditional
machine learning ones"); it learns the normal relationships between a machine's sensors and flags when
they break. This detector does that with methods that lead public benchmarks of multivariate anomaly
detection on pump data (SKAB: PCA T-squared+Q and MSET-style state estimation are at the top of its
outlier leaderboard with the convolutional autoencoder) and need nothing beyond linear algebra:

- **Robust scaling**: each sensor is centred on its median and scaled by its interquartile range on the
  training rows, so a few bad readings in "normal" data do not set the scale.
- **Two complementary scores** on the scaled vector of sensors:
  * PCA **T-squared + Q (SPE)**: the principal components that explain 95% of the normal variance are
    the sensors' linear relationships; Q measures a relationship broken (the reading is off the normal
    subspace), T-squared an unusual excursion along a normal direction.
  * **k-nearest-neighbour distance** to the training states (a memory of at most `MEMORY` of them):
    the non-linear operating modes PCA averages over (part load, full load, start-up). The mean of the
    neighbours is an estimate of what each sensor should read, as in MSET/AAKR.
- **Calibration on held-out normal data**: the training rows are cut into blocks; every third block is
  held out, the scores are fitted on the others and measured on the held-out blocks (normal data the
  model has not seen, as inference will be). Each score is divided by its 95th percentile there, the
  two are averaged and log-compressed (one wild reading cannot dominate), then smoothed over time by
  an exponentially weighted moving average (`SMOOTHING`, causal: inference uses only the past, and the
  average is carried from one scheduled run to the next). The threshold is the largest smoothed
  held-out score times `MARGIN`. The final model is then refitted on every training row.
- **anomaly_score** = 1 - 2^(-s / threshold): 0 for a perfectly normal reading, 0.5 at the threshold
  ("any raw anomaly score greater than 50% is associated to a detected anomaly", as the service
  documents), approaching 1 far beyond it.
- **Diagnostics**: each sensor's share of the squared residuals (PCA reconstruction and the neighbours'
  estimate), smoothed like the score; the shares of every sensor of the model sum to 1, the form of
  the service's `diagnostics`.

Measured with `bench/bench_quality.py` (the sample pump, and SKAB when given its data): see the README.
Missing readings are estimated from the others through the PCA model before scoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Share of the normal variance the principal components keep.
VARIANCE = 0.95
NEIGHBOURS = 5
# Training states the neighbour search compares with (evenly spaced in time when there are more).
MEMORY = 2000
# Blocks the training rows are cut into for calibration: three folds of every third block.
CALIBRATION_BLOCKS = 12
# Training readings whose held-out score is this many robust standard deviations above the median are left
# out (in up to TRIM_ROUNDS passes), unless that would be more than TRIM_MAX_SHARE of them.
TRIM_SPREADS = 6.0
TRIM_ROUNDS = 2
TRIM_MAX_SHARE = 0.2
# Weight of the newest reading in the moving average of the score (per resampled reading).
SMOOTHING = 0.3
# How far above the largest held-out score the threshold lies.
MARGIN = 1.3
# Fewest rows a model can be fitted on.
MIN_ROWS = 12
_CHUNK = 1024
_EPS = 1e-9


class NotEnoughData(ValueError):
    """Too few usable rows to fit a model; the message says how many there were."""


@dataclass(frozen=True)
class Scores:
    """A scored stretch of readings, one row per reading."""

    anomaly: np.ndarray        # anomaly_score in [0, 1)
    prediction: np.ndarray     # 1 where anomaly_score > 0.5
    contributions: np.ndarray  # (rows, sensors), each row sums to 1
    state: SmoothingState      # where the moving averages stand after the last row


@dataclass(frozen=True)
class SmoothingState:
    """The moving averages after the last scored reading: scoring the next readings starts from here."""

    score: float
    contributions: np.ndarray


@dataclass(frozen=True)
class AnomalyModel:
    centre: np.ndarray
    scale: np.ndarray
    components: np.ndarray      # (sensors, k) principal directions
    variances: np.ndarray       # (k,) their variances
    memory: np.ndarray          # (m, sensors) scaled training states
    q_norm: float               # 95th percentile of T-squared + Q on held-out normal data
    knn_norm: float             # same for the squared neighbour distance
    threshold: float            # on the smoothed, compressed score
    start: SmoothingState       # the average over held-out normal data: where a fresh stream starts

    @property
    def sensor_count(self) -> int:
        return int(self.centre.shape[0])

    # -- scoring --------------------------------------------------------------------------------
    def raw(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The compressed score and the per-sensor squared residuals of each row, before smoothing."""
        z = self._impute((values - self.centre) / self.scale)
        q, q_residual = _t2_q(z, self.components, self.variances)
        knn, knn_residual = _neighbours(z, self.memory)
        score = np.log1p(0.5 * (q / self.q_norm + knn / self.knn_norm))
        residual = q_residual / self.q_norm + knn_residual / self.knn_norm
        return score, residual

    def score(self, values: np.ndarray, state: SmoothingState | None = None) -> Scores:
        """Score readings in time order (a (rows, sensors) array, NaN where missing), continuing `state`."""
        state = state or self.start
        raw, residual = self.raw(values)
        smoothed, shares, last = _smooth(raw, _shares(residual), state)
        anomaly = 1.0 - np.exp2(-smoothed / self.threshold)
        return Scores(anomaly, (anomaly > 0.5).astype(np.int8), shares, last)

    def _impute(self, z: np.ndarray) -> np.ndarray:
        """Missing readings (NaN) estimated from the others through the principal components."""
        missing = np.isnan(z)
        if not missing.any():
            return z
        filled = np.where(missing, 0.0, z)
        if self.components.shape[1] and self.components.shape[1] < z.shape[1]:
            for _ in range(5):
                estimate = (filled @ self.components) @ self.components.T
                filled = np.where(missing, estimate, z)
        return filled


def fit(values: np.ndarray) -> AnomalyModel:
    """Fit the detector on normal readings: a (rows, sensors) array in time order, NaN where missing."""
    values = np.asarray(values, dtype=float)
    rows = values[~np.isnan(values).all(axis=1)]
    if len(rows) < MIN_ROWS:
        raise NotEnoughData(f"{len(rows)} usable rows of sensor data; at least {MIN_ROWS} are needed")
    centre, scale = _robust_scale(rows)
    # Rows with a gap are filled with the median first; the PCA model estimates them better afterwards.
    z = np.nan_to_num((rows - centre) / scale)
    even = np.full(z.shape[1], 1.0 / z.shape[1])

    # "Normal" data is rarely all normal: a fault growing before anyone labelled it looks normal to a model
    # that learns it. Readings far out of line with the rest (seen by models fitted without them) are
    # left out, and everything is measured again on what remains.
    keep = np.ones(len(z), dtype=bool)
    for _ in range(TRIM_ROUNDS):
        smoothed, _ = _cross_fitted(z[keep], even)
        scores = np.concatenate(smoothed)
        spread = 1.4826 * float(np.median(np.abs(scores - np.median(scores))))
        outlying = scores > float(np.median(scores)) + TRIM_SPREADS * max(spread, _EPS)
        if not outlying.any() or outlying.mean() > TRIM_MAX_SHARE:
            break
        keep[np.flatnonzero(keep)[outlying]] = False
    z = z[keep]
    smoothed, norms = _cross_fitted(z, even)
    components, variances, memory = _fit_parts(z)
    # The threshold: the largest smoothed score of held-out normal data, with a margin.
    highest = max(float(block.max()) for block in smoothed)
    level = float(np.median(np.concatenate(smoothed)))
    return AnomalyModel(centre, scale, components, variances, memory, *norms,
                        threshold=max(highest * MARGIN, _EPS), start=SmoothingState(level, even))


def _cross_fitted(z: np.ndarray, even: np.ndarray) -> tuple[list[np.ndarray], tuple[float, float]]:
    """The smoothed score of every row, each measured by a model fitted without its block (three folds of
    `CALIBRATION_BLOCKS` contiguous blocks), per block; and the normalisers of the two scores."""
    block = np.minimum(np.arange(len(z)) * CALIBRATION_BLOCKS // len(z), CALIBRATION_BLOCKS - 1)
    fold = block % 3
    raw_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for index in range(3):
        inside = fold == index
        if not inside.any() or inside.all():
            continue
        parts = _fit_parts(z[~inside])
        q, q_residual = _t2_q(z[inside], parts[0], parts[1])
        knn, knn_residual = _neighbours(z[inside], parts[2])
        raw_parts.append((np.flatnonzero(inside), np.column_stack([q, knn]), q_residual + knn_residual))
    order = np.concatenate([indices for indices, _, _ in raw_parts])
    scores = np.concatenate([pair for _, pair, _ in raw_parts])[np.argsort(order)]
    residual = np.concatenate([r for _, _, r in raw_parts])[np.argsort(order)]
    q_norm = max(float(np.percentile(scores[:, 0], 95)), _EPS)
    knn_norm = max(float(np.percentile(scores[:, 1], 95)), _EPS)
    raw = np.log1p(0.5 * (scores[:, 0] / q_norm + scores[:, 1] / knn_norm))
    smoothed = []
    for number in np.unique(block):
        rows = block == number
        values, _, _ = _smooth(raw[rows], _shares(residual[rows]), SmoothingState(float(raw[rows][0]), even))
        smoothed.append(values)
    return smoothed, (q_norm, knn_norm)


# -- the pieces ---------------------------------------------------------------------------------------
def _robust_scale(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centre = np.nanmedian(rows, axis=0)
    centre = np.where(np.isnan(centre), 0.0, centre)
    q75, q25 = np.nanpercentile(rows, [75, 25], axis=0)
    scale = (q75 - q25) / 1.349
    spread = np.nanstd(rows, axis=0)
    # A sensor that barely moves in normal data (a set point) keeps a floor: a small change is not infinite.
    scale = np.where(np.isnan(scale) | (scale <= _EPS), spread, scale)
    floor = 1e-3 * (np.abs(centre) + 1.0)
    return centre, np.maximum(np.nan_to_num(scale), floor)


def _fit_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sensors = z.shape[1]
    if sensors > 1 and len(z) > 1:
        covariance = np.atleast_2d(np.cov(z, rowvar=False))
        variances, vectors = np.linalg.eigh(covariance)
        order = np.argsort(variances)[::-1]
        variances, vectors = np.maximum(variances[order], 0.0), vectors[:, order]
        total = variances.sum()
        keep = int(np.searchsorted(np.cumsum(variances) / total, VARIANCE) + 1) if total > _EPS else 1
        # At least one direction is left out, or nothing could ever be off the normal subspace.
        keep = min(max(keep, 1), sensors - 1)
        components, kept = vectors[:, :keep], np.maximum(variances[:keep], _EPS)
    else:
        components, kept = np.zeros((sensors, 0)), np.zeros(0)
    stride = max(1, int(np.ceil(len(z) / MEMORY)))
    return components, kept, z[::stride].copy()


def _t2_q(z: np.ndarray, components: np.ndarray, variances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """T-squared + Q of each row, and the squared reconstruction residual of each sensor (Q's parts)."""
    if components.shape[1] == 0:
        return (z ** 2).sum(axis=1), z ** 2
    scores = z @ components
    residual = (z - scores @ components.T) ** 2
    return (scores ** 2 / variances).sum(axis=1) + residual.sum(axis=1), residual


def _neighbours(z: np.ndarray, memory: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared mean distance to the nearest training states, and each sensor's squared gap to their mean."""
    k = min(NEIGHBOURS, len(memory))
    distance = np.empty(len(z))
    residual = np.empty_like(z)
    memory_norms = (memory ** 2).sum(axis=1)
    for start in range(0, len(z), _CHUNK):
        chunk = z[start:start + _CHUNK]
        squared = np.maximum((chunk ** 2).sum(axis=1)[:, None] + memory_norms[None, :] - 2 * chunk @ memory.T, 0.0)
        nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
        distance[start:start + _CHUNK] = np.sqrt(np.take_along_axis(squared, nearest, axis=1)).mean(axis=1) ** 2
        residual[start:start + _CHUNK] = (chunk - memory[nearest].mean(axis=1)) ** 2
    return distance, residual


def _shares(residual: np.ndarray) -> np.ndarray:
    total = residual.sum(axis=1, keepdims=True)
    even = np.full(residual.shape[1], 1.0 / residual.shape[1])
    return np.where(total > _EPS, residual / np.maximum(total, _EPS), even)


def _smooth(raw: np.ndarray, shares: np.ndarray,
            state: SmoothingState) -> tuple[np.ndarray, np.ndarray, SmoothingState]:
    smoothed = np.empty_like(raw)
    smoothed_shares = np.empty_like(shares)
    level, mix = state.score, state.contributions
    for index in range(len(raw)):
        level = SMOOTHING * raw[index] + (1 - SMOOTHING) * level
        mix = SMOOTHING * shares[index] + (1 - SMOOTHING) * mix
        smoothed[index] = level
        smoothed_shares[index] = mix
    return smoothed, smoothed_shares, SmoothingState(float(level), mix.copy())
