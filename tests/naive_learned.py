"""Plain-Python references of the learned predictors
(src/succinct_paging/kernels/learned.py): the same rules, written for
clarity (lists, sets, explicit scans), no numba. Slow; for tests only."""

import math

N_FEATURES = 6
CTR_MAX = 15  # the counters saturate in [0, CTR_MAX] and start at CTR_START
CTR_START = 8


def reuse_features(pages):
    """(reuse distance or -1, previous request count) per request."""
    dist, cnt = [], []
    for t, p in enumerate(pages):
        prev = [s for s in range(t) if pages[s] == p]
        cnt.append(len(prev))
        dist.append(-1 if not prev else len(set(pages[prev[-1] + 1:t]) - {p}))
    return dist, cnt


def optgen_labels(pages, k, window):
    """OPTgen labels (0 friendly, 1 averse, 2 none) with an explicit
    occupancy list over time: a reuse interval (s, t), t − s < window, is
    kept iff every time strictly between s and t holds < k − 1 kept pages."""
    n = len(pages)
    occ = [0] * n
    label = [2] * n
    last = {}
    for t, p in enumerate(pages):
        if t >= window and last.get(pages[t - window]) == t - window:
            label[t - window] = 1
        s = last.get(p)
        if s is not None and t - s < window:
            inside = range(s + 1, t)
            if all(occ[u] < k - 1 for u in inside):
                label[s] = 0
                for u in inside:
                    occ[u] += 1
            else:
                label[s] = 1
        last[p] = t
    return label


def _bucket(value, top):
    b = 0
    while value > 0 and b < top - 1:
        b += 1
        value >>= 1
    return b


def _half_octave(gap):
    """The gap's octave (bit length, capped at 23) and, for gaps >= 2, the
    bit below the octave's top bit."""
    b = min(gap.bit_length(), 23)
    return (b, (gap >> (b - 2)) & 1 if b >= 2 else 0)


def _decide(learner, w, x, score, threshold):
    if learner == "logistic":
        return 1 if sum(w[j] * x[j] for j in range(N_FEATURES)) > 0.0 else 0
    return 1 if score < threshold else 0


def online_bits(pages, k, labeler, learner, window=8, threshold=16, learning_rate=0.05, late=False,
                history=0):
    """The online learn/predict loop: ``labeler`` 'lru' or 'optgen',
    ``learner`` 'logistic' or 'counters', ``late``: predict after learning
    from the labels request t reveals, ``history``: the context also
    holds the page's ``history`` latest revealed labels (see the kernel's docstring)."""
    dist, cnt = reuse_features(pages)
    w = [0.0] * N_FEATURES
    feats, label_sum, label_cnt = {}, {}, {}
    page_ctr, ctx_ctr, ctx_pending = {}, {}, {}
    count, last, pending, labels_of = {}, {}, {}, {}
    lru = []  # least recent first
    occ = {}
    ring = {}
    bits = []
    for t, p in enumerate(pages):
        gap = t - last[p] if p in last else 0
        base = (_half_octave(gap), _bucket(count.get(p, 0), 8))
        ctx = base + (tuple(labels_of.get(p, [])[-history:]) if history else (),)
        x = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        if learner == "logistic":
            if dist[t] < 0:
                x[1] = 1.0
            else:
                x[2] = min(dist[t], 4 * k) / k
                x[3] = 1.0 if dist[t] >= k else 0.0
            x[4] = math.log1p(cnt[t]) / 5.0
            x[5] = (label_sum.get(p, 0.0) + 0.5) / (label_cnt.get(p, 0.0) + 1.0)
        if not late:
            bits.append(_decide(learner, w, x, page_ctr.get(p, CTR_START) + ctx_ctr.get(ctx, CTR_START), threshold))
        labels = []
        if labeler == "lru":
            if p in lru:
                if pending.get(p, -1) >= 0:
                    labels.append((p, 0))
                lru.remove(p)
            elif len(lru) == k:
                v = lru.pop(0)
                if pending.get(v, -1) >= 0:
                    labels.append((v, 1))
            lru.append(p)
        else:
            if t >= window:
                q = ring.get(t % window)
                if q is not None and pending.get(q, -1) == t - window and q != p:
                    labels.append((q, 1))
            occ[t] = 0
            occ.pop(t - window, None)
            s = pending.get(p, -1)
            if s >= 0:
                if t - s < window:
                    inside = range(s + 1, t)
                    fits = t - s <= 1 or (k - 1 > 0 and all(occ[u] < k - 1 for u in inside))
                    if fits:
                        for u in inside:
                            occ[u] += 1
                    labels.append((p, 0 if fits else 1))
                else:
                    labels.append((p, 1))
            ring[t % window] = p
        for q, y in labels:
            if learner == "logistic":
                xs = feats[q]
                z = sum(w[j] * xs[j] for j in range(N_FEATURES))
                prob = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
                g = y - prob
                for j in range(N_FEATURES):
                    w[j] += learning_rate * g * xs[j]
            else:
                step = 1 if y == 0 else -1
                page_ctr[q] = min(CTR_MAX, max(0, page_ctr.get(q, CTR_START) + step))
                c = ctx_pending[q]
                ctx_ctr[c] = min(CTR_MAX, max(0, ctx_ctr.get(c, CTR_START) + step))
            label_sum[q] = label_sum.get(q, 0.0) + y
            label_cnt[q] = label_cnt.get(q, 0.0) + 1.0
            labels_of.setdefault(q, []).append(y)
            pending[q] = -1
        if late:
            if learner == "logistic":
                x[5] = (label_sum.get(p, 0.0) + 0.5) / (label_cnt.get(p, 0.0) + 1.0)
            ctx = base + (tuple(labels_of.get(p, [])[-history:]) if history else (),)
            bits.append(_decide(learner, w, x, page_ctr.get(p, CTR_START) + ctx_ctr.get(ctx, CTR_START), threshold))
        feats[p] = x
        ctx_pending[p] = ctx
        pending[p] = t
        last[p] = t
        count[p] = count.get(p, 0) + 1
    return bits


def popu(pages):
    out, count = [], {}
    for t, p in enumerate(pages):
        count[p] = count.get(p, 0) + 1
        out.append(t + t / count[p])
    return out


def pleco(pages, window=10_000, max_terms=64):
    out = []
    for t, p in enumerate(pages):
        times = [s for s in range(t, -1, -1) if pages[s] == p and t - s < window][:max_terms]
        total = 0.0
        for s in times:
            d = t - s
            total += (d + 10.0) ** -1.8 * math.exp(-d / 670.0)
        out.append(t + 1.0 / total)
    return out


def online_arrival_bits(pages, k, predictions):
    """Discard and phase bits from predictions with online phase-length estimates."""
    discard, phase = [], []
    seen = set()
    start, last_len = 0, -1
    for t, p in enumerate(pages):
        if p not in seen:
            if len(seen) == k:
                last_len = t - start
                start = t
                seen = set()
            seen.add(p)
        length = last_len if last_len > 0 else t - start + 1
        a = predictions[t]
        discard.append(1 if a - t >= length else 0)
        end = max(start + length, t + 1)
        phase.append(1 if a >= end + length else 0)
    return discard, phase
