"""Learned predictors that see only the past (contract §10), as numba kernels.

Every kernel emits the prediction of request ``t`` from requests ``0 … t−1``
and the page of request ``t`` only, so the predictions made on ``pages[:m]``
are the first ``m`` predictions made on ``pages`` (the past-only property,
tested for every predictor). Inputs are validated dense ``int64`` pages in
``[0, n_pages)``; bits are ``uint8`` (1 = "safe to discard").

One-bit learners share one online loop, :func:`online_bits`: at request
``t`` it (1) reads features of the request, (2) predicts with the learner,
(3) reveals the labels that request ``t`` makes known, (4) trains the learner
on them. A *labeler* says which earlier requests get which label and when:

- ``LABELER_LRU`` (0): the LRU proxy label of the first version: whether LRU
  with cache size k evicts the page before its next request. Revealed when
  LRU evicts the page (1) or the page is requested again while cached (0).
- ``LABELER_OPTGEN`` (1): OPTgen (Jain & Lin, ISCA 2016; contract §10):
  whether OPT with cache size k keeps the page between its last two
  requests, reconstructed over a window of the last ``window`` requests.

A *learner* turns features into a bit and learns from labels:

- ``LEARNER_LOGISTIC`` (0): logistic regression on six reuse features, one
  SGD step per revealed label; bit 1 iff the predicted probability > 1/2.
- ``LEARNER_COUNTERS`` (1): saturating counters in ``[0, 15]`` (four bits,
  one more than Hawkeye's three; they start at 8), one per page and one per reuse context (log₂ of the gap since
  the page's previous request in half-octaves × log₂ of its request count
  × the page's ``history`` latest labels); label 0
  (friendly) increments, 1 (averse) decrements; bit 1 iff page counter +
  context counter < ``threshold``.

Next-arrival predictors (:func:`popu_kernel`, :func:`pleco_kernel`) predict
the time of the page's next request; :func:`online_arrival_bits` turns such
predictions into one-bit predictions without looking ahead.

Memory: per page O(1) state (O(N)); OPTgen a window of ``window`` slots;
PLECO a window of ``window`` slots. The reuse distances of the logistic
learner (:func:`reuse_features`) use a Fenwick tree over time, O(n) memory
and O(log n) time: the one place where memory grows with the trace length.
"""

import math

import numpy as np
from numba import njit

LABELER_LRU = 0
LABELER_OPTGEN = 1
LEARNER_LOGISTIC = 0
LEARNER_COUNTERS = 1

_N_FEATURES = 6
_GAP_BUCKETS = 24
_COUNT_BUCKETS = 8
_CTR_MAX = 15
_HISTORY_MAX = 2  # at most this many latest labels of a page in its context
_HISTORY_STATES = (1 << (_HISTORY_MAX + 1)) - 1  # label strings of length 0 … _HISTORY_MAX


@njit(cache=True)
def reuse_features(pages, n_pages):
    """Per request: previous request count of its page and its reuse
    distance (distinct other pages since its previous request; -1 on a first
    request). Fenwick tree over time marking each page's latest request:
    O(log n) per request, O(n + N) memory."""
    n = pages.shape[0]
    tree = np.zeros(n + 1, dtype=np.int64)
    last = np.full(n_pages, -1, dtype=np.int64)
    count = np.zeros(n_pages, dtype=np.int64)
    dist = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        s = last[p]
        cnt[t] = count[p]
        if s < 0:
            dist[t] = -1
        else:
            total = 0
            i = t
            while i > 0:
                total += tree[i]
                i -= i & (-i)
            i = s + 1
            while i > 0:
                total -= tree[i]
                i -= i & (-i)
            dist[t] = total
            i = s + 1
            while i <= n:
                tree[i] -= 1
                i += i & (-i)
        i = t + 1
        while i <= n:
            tree[i] += 1
            i += i & (-i)
        last[p] = t
        count[p] += 1
    return dist, cnt


@njit(cache=True)
def lru_miss_bits(pages, n_pages, k):
    """``lru_miss``: bit 1 iff request t is a fault of LRU with cache size k
    (first request, or reuse distance >= k). LRU as a doubly linked list:
    O(1) per request, O(N) memory."""
    n = pages.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    prev = np.full(n_pages, -1, dtype=np.int64)
    nxt = np.full(n_pages, -1, dtype=np.int64)
    cached = np.zeros(n_pages, dtype=np.bool_)
    head = -1
    tail = -1
    size = 0
    for t in range(n):
        p = pages[t]
        if cached[p]:
            bits[t] = 0
            if p == tail:
                continue
            a = prev[p]
            b = nxt[p]
            if a >= 0:
                nxt[a] = b
            else:
                head = b
            prev[b] = a
        else:
            bits[t] = 1
            if size == k:
                v = head
                head = nxt[v]
                if head >= 0:
                    prev[head] = -1
                else:
                    tail = -1
                cached[v] = False
            else:
                size += 1
            cached[p] = True
        prev[p] = tail
        nxt[p] = -1
        if tail >= 0:
            nxt[tail] = p
        else:
            head = p
        tail = p
    return bits


@njit(cache=True)
def frequency_bits(pages, n_pages, min_count):
    """``frequency``: bit 1 iff the page was requested fewer than
    ``min_count`` times before t. O(1) per request, O(N) memory."""
    n = pages.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    count = np.zeros(n_pages, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        bits[t] = 1 if count[p] < min_count else 0
        count[p] += 1
    return bits


@njit(cache=True, inline="always")
def _sgd(w, x, y, lr):
    z = 0.0
    for j in range(w.shape[0]):
        z += w[j] * x[j]
    if z >= 0:
        prob = 1.0 / (1.0 + math.exp(-z))
    else:
        e = math.exp(z)
        prob = e / (1.0 + e)
    g = y - prob
    for j in range(w.shape[0]):
        w[j] += lr * g * x[j]


# --- OPTgen's occupancy vector as suffix-maximum differences (Fenwick tree) ---
#
# Every query and every fill covers [s + 1, t − 1], a range that ends at the
# newest slot. So keep, instead of the occupancies occ[u], the differences
# D[u] = M(u) − M(u + 1) >= 0 of the suffix maxima M(a) = max occ[a … t − 1]
# and the newest occupancy M(t − 1): then M(a) = M(t − 1) + Σ_{a <= u < t−1} D[u]
# (a Fenwick prefix sum), a new slot with occupancy 0 sets D[t − 2] = M(t − 2),
# and "+1 on [s + 1, t − 1]" raises M(t − 1) by one and lowers by one the
# newest positive D[u] with u <= s (M rises by one exactly from that u on).
# Slots are times modulo the window. O(log window) per operation.

@njit(cache=True, inline="always")
def _fw_add(fw, slot, delta):
    i = slot + 1
    while i < fw.shape[0]:
        fw[i] += delta
        i += i & (-i)


@njit(cache=True, inline="always")
def _fw_prefix(fw, slot):
    """Σ D over slots 0 … slot (0 when slot < 0)."""
    total = 0
    i = slot + 1
    while i > 0:
        total += fw[i]
        i -= i & (-i)
    return total


@njit(cache=True, inline="always")
def _fw_lower_bound(fw, target):
    """The smallest slot whose prefix sum is >= target (target >= 1, D >= 0)."""
    pos = 0
    step = 1
    while step * 2 < fw.shape[0]:
        step *= 2
    while step > 0:
        if pos + step < fw.shape[0] and fw[pos + step] < target:
            pos += step
            target -= fw[pos]
        step >>= 1
    return pos


@njit(cache=True)
def _occ_advance(fw, dv, top, window, t):
    """Open time t's slot (occupancy 0): D[t − 2] = M(t − 2). ``top`` holds
    the newest occupancy M(t − 1) and Σ D over all slots. O(log window)."""
    if t >= 2:
        slot = (t - 2) % window
        delta = top[0] - dv[slot]
        _fw_add(fw, slot, delta)
        dv[slot] = top[0]
        top[1] += delta
    top[0] = 0


@njit(cache=True)
def _occupancy_fits(fw, dv, top, window, s, t, cap):
    """OPTgen's test for the reuse interval of the request at ``s`` that
    returns at ``t`` (t − s < window): the page is kept iff every slot
    strictly between s and t holds fewer than ``cap`` = k − 1 kept pages;
    if so they all get one more. O(log window)."""
    if t - s <= 1:
        return True  # an immediate reuse is always a hit
    if cap <= 0:
        return False
    sm = s % window
    ps = _fw_prefix(fw, sm)
    m = top[0]
    if s + 1 <= t - 2:  # + Σ D over [s + 1, t − 2], modulo the window
        b = (t - 2) % window
        if sm + 1 == window:  # the range starts at slot 0
            m += _fw_prefix(fw, b)
        elif sm + 1 <= b:
            m += _fw_prefix(fw, b) - ps
        else:  # it wraps around the window's end
            m += top[1] - ps + _fw_prefix(fw, b)
    if m >= cap:
        return False
    top[0] += 1
    # the newest positive D[u] with t − window + 1 <= u <= s loses one
    lo = t - window + 1
    la = (lo if lo > 0 else 0) % window
    u = -1
    if la <= sm:
        if ps > _fw_prefix(fw, la - 1):
            u = _fw_lower_bound(fw, ps)
    elif ps > 0:
        u = _fw_lower_bound(fw, ps)
    elif top[1] > _fw_prefix(fw, la - 1):
        u = _fw_lower_bound(fw, top[1])
    if u >= 0:
        dv[u] -= 1
        top[1] -= 1
        _fw_add(fw, u, -1)
    return True


@njit(cache=True)
def optgen_labels(pages, n_pages, k, window):
    """OPTgen's labels alone (for tests and the contract's exactness check):
    ``label[s]`` = 0 (friendly: OPT keeps the page until its next request at
    t, t − s < window), 1 (averse) or 2 (no label: the page does not return
    within the window and the trace ends first). With ``window > n`` the
    number of 0 labels equals OPT's hits for cache size k. The convention
    that makes this exact: a page kept over [s, t] occupies the slots
    strictly between s and t, and each slot holds at most k − 1 kept pages
    (the requested page itself takes the k-th place). O(n log window)."""
    n = pages.shape[0]
    label = np.full(n, 2, dtype=np.uint8)
    fw = np.zeros(window + 1, dtype=np.int64)
    dv = np.zeros(window, dtype=np.int64)
    top = np.zeros(2, dtype=np.int64)  # newest occupancy, Σ D
    last = np.full(n_pages, -1, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        if t >= window:
            e = t - window
            q = pages[e]
            if last[q] == e:
                label[e] = 1
        _occ_advance(fw, dv, top, window, t)
        s = last[p]
        if s >= 0 and t - s < window:
            label[s] = 0 if _occupancy_fits(fw, dv, top, window, s, t, k - 1) else 1
        last[p] = t
    return label


@njit(cache=True, inline="always")
def _decide(learner, w, x, score, threshold):
    if learner == LEARNER_LOGISTIC:
        z = 0.0
        for j in range(w.shape[0]):
            z += w[j] * x[j]
        return 1 if z > 0.0 else 0
    return 1 if score < threshold else 0


@njit(cache=True, inline="always")
def _bit_length(v):
    """Number of bits of ``v`` >= 0 (0 for 0), by halving: 6 steps."""
    b = 0
    if v >= 1 << 32:
        v >>= 32
        b += 32
    if v >= 1 << 16:
        v >>= 16
        b += 16
    if v >= 1 << 8:
        v >>= 8
        b += 8
    if v >= 1 << 4:
        v >>= 4
        b += 4
    if v >= 1 << 2:
        v >>= 2
        b += 2
    if v >= 2:
        v >>= 1
        b += 1
    return b + (1 if v > 0 else 0)


@njit(cache=True, inline="always")
def _history_state(bits, n_labels, depth):
    """Index in [0, 2^(depth+1) − 1) of the page's latest min(n_labels,
    depth) labels (``bits``, newest in bit 0): strings of length h start at
    2^h − 1."""
    h = depth if n_labels >= depth else int(n_labels)
    return (1 << h) - 1 + (bits & ((1 << h) - 1))


@njit(cache=True)
def online_bits(pages, n_pages, k, labeler, learner, window, threshold, learning_rate, dist, cnt, late=False,
                history=0):
    """The online learn/predict loop of every one-bit learner (module
    docstring): bit of request t from requests < t and the page of t.

    ``labeler``/``learner``: the codes above; ``window``: OPTgen's window
    (ignored by the LRU labeler); ``threshold``: the counters' decision
    threshold; ``learning_rate``: the logistic SGD step; ``dist``/``cnt``:
    :func:`reuse_features` (used by the logistic learner; pass empty arrays
    for the counters); ``late``: predict after training on the labels that
    request t reveals (still past-only: they depend on the page of t and
    earlier requests only; e.g. whether OPT kept p since its previous
    request). Counters only: ``history`` (0 … 2): the reuse context also
    holds the page's ``history`` latest revealed labels (fewer while it has
    fewer), so a context counter learns how often a page that was kept
    (evicted) last time is kept again. O(log window) per request with OPTgen, O(1) with the
    LRU labeler (plus the features); memory O(N + window).
    """
    n = pages.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    # learner state
    w = np.zeros(_N_FEATURES)
    x = np.zeros(_N_FEATURES)
    feats = np.zeros((n_pages, _N_FEATURES))  # features of each page's pending request
    ctx_ctr = np.full(2 * _GAP_BUCKETS * _COUNT_BUCKETS * _HISTORY_STATES, (_CTR_MAX + 1) // 2, dtype=np.int64)
    # per-page state in one row of 8 int64 (one cache line per page): columns as views
    state = np.zeros((n_pages, 8), dtype=np.int64)
    last = state[:, 0]
    count = state[:, 1]
    pending = state[:, 2]  # request whose label is unrevealed
    page_ctr = state[:, 3]
    ctx_pending = state[:, 4]
    hist = state[:, 5]  # the page's latest labels, newest in bit 0
    label_cnt = state[:, 6]
    label_sum = state[:, 7]
    last[:] = -1
    pending[:] = -1
    page_ctr[:] = (_CTR_MAX + 1) // 2
    # LRU labeler state: a doubly linked list (head = least recent)
    prev = np.full(n_pages, -1, dtype=np.int64)
    nxt = np.full(n_pages, -1, dtype=np.int64)
    in_lru = np.zeros(n_pages, dtype=np.bool_)
    head = -1
    tail = -1
    lru_size = 0
    # OPTgen labeler state
    win = window if labeler == LABELER_OPTGEN else 1
    fw = np.zeros(win + 1, dtype=np.int64)
    dv = np.zeros(win, dtype=np.int64)
    top = np.zeros(2, dtype=np.int64)  # newest occupancy, Σ D
    ring = np.full(win, -1, dtype=np.int64)
    # labels revealed by this request: at most two (the page's own, one expiry/eviction)
    lab_page = np.empty(2, dtype=np.int64)
    lab_y = np.empty(2, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        # (1) features and context of request t
        gap = t - last[p] if last[p] >= 0 else 0
        gb = min(_bit_length(gap), _GAP_BUCKETS - 1)
        cb = min(_bit_length(count[p]), _COUNT_BUCKETS - 1)
        gb = 2 * gb + (((gap >> (gb - 2)) & 1) if gb >= 2 else 0)  # half-octaves: the bit below the top one
        ctx0 = (gb * _COUNT_BUCKETS + cb) * _HISTORY_STATES
        ctx = ctx0 + _history_state(hist[p], label_cnt[p], history)
        # (2) features, and the prediction unless it waits for this request's labels
        if learner == LEARNER_LOGISTIC:
            x[0] = 1.0
            x[1] = 0.0
            x[2] = 0.0
            x[3] = 0.0
            if dist[t] < 0:
                x[1] = 1.0
            else:
                x[2] = min(dist[t], 4 * k) / k
                x[3] = 1.0 if dist[t] >= k else 0.0
            x[4] = math.log1p(cnt[t]) / 5.0
            x[5] = (label_sum[p] + 0.5) / (label_cnt[p] + 1.0)
        if not late:
            bits[t] = _decide(learner, w, x, page_ctr[p] + ctx_ctr[ctx], threshold)
        # (3) reveal labels
        n_lab = 0
        if labeler == LABELER_LRU:
            if in_lru[p]:
                if pending[p] >= 0:
                    lab_page[n_lab] = p
                    lab_y[n_lab] = 0
                    n_lab += 1
                a = prev[p]
                b = nxt[p]
                if a >= 0:
                    nxt[a] = b
                else:
                    head = b
                if b >= 0:
                    prev[b] = a
                else:
                    tail = a
                lru_size -= 1
            elif lru_size == k:
                v = head
                if pending[v] >= 0:
                    lab_page[n_lab] = v
                    lab_y[n_lab] = 1
                    n_lab += 1
                head = nxt[v]
                if head >= 0:
                    prev[head] = -1
                else:
                    tail = -1
                in_lru[v] = False
                lru_size -= 1
            prev[p] = tail
            nxt[p] = -1
            if tail >= 0:
                nxt[tail] = p
            else:
                head = p
            tail = p
            in_lru[p] = True
            lru_size += 1
        else:
            if t >= win:
                e = t - win
                q = ring[t % win]
                if q >= 0 and pending[q] == e and q != p:
                    lab_page[n_lab] = q
                    lab_y[n_lab] = 1
                    n_lab += 1
            _occ_advance(fw, dv, top, win, t)
            s = pending[p]
            if s >= 0:
                if t - s < win:
                    fits = _occupancy_fits(fw, dv, top, win, s, t, k - 1)
                    lab_y[n_lab] = 0 if fits else 1
                else:
                    lab_y[n_lab] = 1
                lab_page[n_lab] = p
                n_lab += 1
            ring[t % win] = p
        # (4) train on the revealed labels
        for i in range(n_lab):
            q = lab_page[i]
            y = lab_y[i]
            if learner == LEARNER_LOGISTIC:
                _sgd(w, feats[q], float(y), learning_rate)
            else:
                if y == 0:
                    if page_ctr[q] < _CTR_MAX:
                        page_ctr[q] += 1
                    if ctx_ctr[ctx_pending[q]] < _CTR_MAX:
                        ctx_ctr[ctx_pending[q]] += 1
                else:
                    if page_ctr[q] > 0:
                        page_ctr[q] -= 1
                    if ctx_ctr[ctx_pending[q]] > 0:
                        ctx_ctr[ctx_pending[q]] -= 1
            label_sum[q] += y
            label_cnt[q] += 1
            hist[q] = (hist[q] << 1 | y) & ((1 << _HISTORY_MAX) - 1)
            pending[q] = -1
        if late:  # the labels request t revealed (its page's last interval) are known now
            if learner == LEARNER_LOGISTIC:
                x[5] = (label_sum[p] + 0.5) / (label_cnt[p] + 1.0)
            ctx = ctx0 + _history_state(hist[p], label_cnt[p], history)
            bits[t] = _decide(learner, w, x, page_ctr[p] + ctx_ctr[ctx], threshold)
        # the pending request of p is now t
        if learner == LEARNER_LOGISTIC:
            for j in range(_N_FEATURES):
                feats[p, j] = x[j]
        ctx_pending[p] = ctx
        pending[p] = t
        last[p] = t
        count[p] += 1
    return bits


# --- next-arrival predictors (contract §10) ---

@njit(cache=True)
def popu_kernel(pages, n_pages):
    """POPU: at request t of page p, the next request of p is predicted at
    t + t/c_p with c_p the number of requests of p so far, request t
    included (so c_p >= 1). O(1) per request, O(N) memory."""
    n = pages.shape[0]
    out = np.empty(n, dtype=np.float64)
    count = np.zeros(n_pages, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        count[p] += 1
        out[t] = t + t / count[p]
    return out


@njit(cache=True)
def pleco_kernel(pages, n_pages, window, max_terms):
    """PLECO: P_p = Σ_i w(t − t_i) over the requests t_i <= t of p (request t
    included), w(d) = (d + 10)^−1.8·e^(−d/670); the next request is
    predicted at t + 1/P_p. The sum runs over p's requests in the last
    ``window`` requests, at most ``max_terms`` of them (the newest; the
    weights fall off as a power law times e^(−d/670), so the default window
    10,000 leaves out terms below e^−15 ≈ 3·10^−7 of the first). O(max_terms)
    per request, O(window + N) memory."""
    n = pages.shape[0]
    out = np.empty(n, dtype=np.float64)
    last = np.full(n_pages, -1, dtype=np.int64)
    prev_occ = np.full(window, -1, dtype=np.int64)  # previous request time of the page at each slot
    for t in range(n):
        p = pages[t]
        prev_occ[t % window] = last[p]
        last[p] = t
        total = 0.0
        tau = t
        terms = 0
        while tau >= 0 and t - tau < window and terms < max_terms:
            d = t - tau
            total += (d + 10.0) ** -1.8 * math.exp(-d / 670.0)
            terms += 1
            tau = prev_occ[tau % window]
        out[t] = t + 1.0 / total
    return out


@njit(cache=True)
def online_arrival_bits(pages, n_pages, k, predictions):
    """Discard and phase bits from predicted next arrivals, past-only: the
    contract §7 rule with the future k-phase ends replaced by their online
    estimate. k-phases are known online (a phase ends when its (k+1)-th
    distinct page arrives); L is the length of the last completed phase (the
    current phase's length so far before the first one ends). Discard bit 1
    iff the predicted gap ``a_t − t`` is at least L (the page is predicted
    to come back after about k other distinct pages, the horizon of a
    k-phase); phase bit 1 iff ``a_t`` lies at or beyond the estimated end
    of the next phase, ``max(start + L, t + 1) + L`` with ``start`` the
    start of the current phase. O(1) per request, O(N) memory."""
    n = pages.shape[0]
    discard = np.empty(n, dtype=np.uint8)
    phase = np.empty(n, dtype=np.uint8)
    seen = np.full(n_pages, -1, dtype=np.int64)  # phase index in which the page was last seen
    phase_id = 0
    distinct = 0
    start = 0
    last_len = -1
    for t in range(n):
        p = pages[t]
        if seen[p] != phase_id:
            if distinct == k:
                last_len = t - start
                start = t
                phase_id += 1
                distinct = 0
            seen[p] = phase_id
            distinct += 1
        length = last_len if last_len > 0 else t - start + 1
        a = predictions[t]
        discard[t] = 1 if a - t >= length else 0
        end = start + length
        if end < t + 1:
            end = t + 1
        phase[t] = 1 if a >= end + length else 0
    return discard, phase
