"""Waveform peaks match a brute-force min/max at every zoom, however the audio arrived."""

import numpy as np
import pytest

from studio.audio.peaks import FANOUT, PeakBuilder


def brute_force(x: np.ndarray, columns: int, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """Min/max per column, the slow obvious way."""
    edges = np.linspace(start, end, columns + 1)
    mins, maxs = np.zeros(columns, np.float32), np.zeros(columns, np.float32)
    for i in range(columns):
        a, b = int(np.floor(edges[i])), max(int(np.ceil(edges[i + 1])), int(np.floor(edges[i])) + 1)
        piece = x[a : min(b, len(x))]
        if piece.size:
            mins[i], maxs[i] = piece.min(), piece.max()
    return mins, maxs


@pytest.fixture(scope="module")
def noise() -> np.ndarray:
    """A minute of random audio at 8 kHz with a loud click in it."""
    x = np.random.default_rng(3).uniform(-0.5, 0.5, 8000 * 60).astype(np.float32)
    x[123457] = 0.99
    return x


def test_overview_brackets_the_exact_extremes(noise: np.ndarray) -> None:
    """Each column's peaks contain the column's true min/max, and the click shows up."""
    builder = PeakBuilder(8000)
    builder.add(noise)
    mins, maxs = builder.peaks(800)
    exact_min, exact_max = brute_force(noise, 800, 0, len(noise))
    # Summary blocks may reach a little past a column edge, never inside it.
    assert np.all(mins <= exact_min) and np.all(maxs >= exact_max)
    assert maxs.max() == pytest.approx(0.99)
    assert np.argmax(maxs) == 123457 * 800 // len(noise)


def test_zoomed_in_to_single_samples_is_exact(noise: np.ndarray) -> None:
    """With fewer samples than columns, each column shows the sample under it."""
    builder = PeakBuilder(8000)
    builder.add(noise)
    mins, maxs = builder.peaks(100, start_s=1.0, end_s=1.0 + 50 / 8000)
    expected = noise[8000:8050].repeat(2)
    np.testing.assert_array_equal(mins, expected)
    np.testing.assert_array_equal(maxs, expected)


@pytest.mark.parametrize("columns", [1, 7, 300, 2000])
def test_streamed_in_random_pieces_equals_added_at_once(noise: np.ndarray, columns: int) -> None:
    """Adding audio in uneven pieces builds exactly the same summary as one add."""
    whole, pieces = PeakBuilder(8000), PeakBuilder(8000)
    whole.add(noise)
    rng = np.random.default_rng(5)
    cuts = np.sort(rng.choice(len(noise), 40, replace=False))
    for part in np.split(noise, cuts):
        pieces.add(part)
    for start, end in [(0.0, None), (12.3, 14.9), (59.0, 60.0)]:
        for a, b in zip(
            whole.peaks(columns, start, end), pieces.peaks(columns, start, end), strict=True
        ):
            np.testing.assert_array_equal(a, b)


def test_mid_zoom_is_close_to_brute_force(noise: np.ndarray) -> None:
    """A 3-second window in 600 columns matches brute force to within one summary block."""
    builder = PeakBuilder(8000)
    builder.add(noise)
    mins, maxs = builder.peaks(600, 10.0, 13.0)
    exact_min, exact_max = brute_force(noise, 600, 80000, 104000)
    assert np.all(mins <= exact_min) and np.all(maxs >= exact_max)
    # Only the edge blocks differ, and they hold at most FANOUT**level samples beyond the column.
    assert np.mean(maxs - exact_max) < 0.05


def test_columns_past_the_end_are_empty_and_empty_builders_are_flat() -> None:
    """Asking beyond the audio (still streaming) gives zeros there; no audio gives zeros."""
    builder = PeakBuilder(1000)
    assert [a.tolist() for a in builder.peaks(4)] == [[0.0] * 4, [0.0] * 4]
    builder.add(np.ones(500, np.float32))
    _, maxs = builder.peaks(10, 0.0, 1.0)
    assert maxs.tolist() == [1.0] * 5 + [0.0] * 5
    assert builder.duration_s == 0.5 and builder.sample_count == 500
    assert builder.peaks(0)[0].size == 0


def test_the_summary_has_logarithmically_many_levels(noise: np.ndarray) -> None:
    """Each level is FANOUT times smaller, so a query never scans the raw samples at overview."""
    builder = PeakBuilder(8000)
    builder.add(noise)
    sizes = [mins.size for mins, _ in builder._levels]
    assert sizes[0] == -(-len(noise) // FANOUT)
    assert all(a == -(-b // FANOUT) for a, b in zip(sizes[1:], sizes, strict=False))
    assert sizes[-1] == 1
