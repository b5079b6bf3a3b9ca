"""Retrieval maths: chunked top-k equals a brute-force loop; fusion behaves."""

from __future__ import annotations

import numpy as np
import pytest

from comparator.match import fused_scores, top_k_cosine


def unit(rows: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(q: np.ndarray, d: np.ndarray, k: int) -> list[list[int]]:
    out = []
    for row in q:
        scores = [(float(np.dot(row, doc)), -j) for j, doc in enumerate(d)]
        out.append([-j for _, j in sorted(scores, reverse=True)[:k]])
    return out


@pytest.mark.parametrize(
    ("n_q", "n_d", "k", "chunk"), [(7, 50, 5, 3), (40, 13, 20, 1024), (1, 1, 3, 1)]
)
def test_top_k_matches_a_naive_loop(n_q: int, n_d: int, k: int, chunk: int) -> None:
    q, d = unit(n_q, 16, 1), unit(n_d, 16, 2)
    idx, val = top_k_cosine(q, d, k, chunk_rows=chunk)
    assert idx.tolist() == brute_force(q, d, k)
    np.testing.assert_allclose(val, np.take_along_axis(q @ d.T, idx, axis=1), rtol=1e-6)


def test_ties_break_by_lower_index() -> None:
    d = np.array([[1, 0], [0, 1], [1, 0], [1, 0]], dtype=np.float32)
    idx, _ = top_k_cosine(np.array([[1, 0]], dtype=np.float32), d, 2)
    assert idx.tolist() == [[0, 2]]


def test_fusion_scales_bm25_to_the_best_passage() -> None:
    fused, _ = fused_scores(np.array([0.5, 0.2]), np.array([2.0, 8.0]), dense_weight=0.5)
    np.testing.assert_allclose(fused, [0.5 * 0.5 + 0.5 * 0.25, 0.5 * 0.2 + 0.5 * 1.0])
    fused, _ = fused_scores(np.array([0.3]), np.array([0.0]), 0.7)
    assert fused.tolist() == pytest.approx([0.21])
    _, scaled = fused_scores(np.zeros((2, 2)), np.array([[1.0, 4.0], [0.0, 0.0]]), 0.5)
    assert scaled.tolist() == [[0.25, 1.0], [0.0, 0.0]]
