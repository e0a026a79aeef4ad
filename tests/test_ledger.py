"""Input fingerprints (`nbaprops.ledger.input_fingerprints`) against a brute-force XOR of each window.

Grain: one fingerprint per planned date, over every input partition dated within [d - reach, d] (within
[d - reach - 1, d - 1] for an input read strictly before d) plus the whole-table inputs; "none" when
there is no such partition.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from nbaprops.ledger import WHOLE_TABLE, input_fingerprints
from nbaprops.warehouse import Warehouse


def brute_force(
    wh: Warehouse, day: date, inputs: tuple[str, ...], reach: int, before: tuple[str, ...] = ()
) -> int | None:
    rows = []
    for name in inputs:
        lag = 1 if name in before else 0
        rows += wh.rows(
            "select hash(table_name, partition_date, content_hash) from state.partitions "
            "where table_name = ? and (partition_date = ? or partition_date between ? and ?)",
            [name, WHOLE_TABLE, day - timedelta(days=reach + lag), day - timedelta(days=lag)],
        )
    if not rows:
        return None
    out = 0
    for (h,) in rows:
        out ^= int(h)
    return out


def test_fingerprints_equal_the_xor_of_each_window() -> None:
    rng = random.Random(7)
    start = date(2024, 1, 1)
    with Warehouse(":memory:") as wh:
        rows = [
            (name, start + timedelta(days=offset), rng.getrandbits(63))
            for name in ("raw.a", "raw.b", "raw.ignored")
            for offset in sorted(rng.sample(range(120), 70))
        ] + [("meta.whole", WHOLE_TABLE, 12345)]
        edge = {(name, start + timedelta(days=3)) for name in ("raw.a", "raw.b")}
        rows = [r for r in rows if (r[0], r[1]) not in edge] + [(n, d, rng.getrandbits(63)) for n, d in edge]
        for name, day, content in rows:
            wh.execute(
                "insert into state.partitions (table_name, partition_date, status, content_hash) "
                "values (?, ?, 'complete', ?)",
                [name, day, content],
            )
        planned = [start - timedelta(days=30)] + [start + timedelta(days=k) for k in range(0, 140, 3)]
        wh.register_dates("_planned", planned)
        cases: list[tuple[tuple[str, ...], int, tuple[str, ...]]] = [
            (("raw.a", "raw.b"), 7, ()),
            (("raw.a", "meta.whole"), 30, ()),
            (("raw.b",), 0, ()),
            # read strictly before d: partition d - 1 is in, d is out (reach 0 reads only d - 1)
            (("raw.a", "raw.b"), 7, ("raw.a",)),
            (("raw.b", "meta.whole"), 0, ("raw.b",)),
        ]
        for inputs, reach, before in cases:
            got = input_fingerprints(wh, planned, inputs, reach, "m", before)
            for day in planned:
                want = brute_force(wh, day, inputs, reach, before)
                assert got[day] == ("m:none" if want is None else f"m:{want:016x}"), (inputs, reach, day)
        # a run planning only late dates reads only their windows' partitions: the earliest window's
        # first day still counts (raw.a and raw.b both have a partition on start + 3)
        late = [start + timedelta(days=10), start + timedelta(days=11), start + timedelta(days=40)]
        wh.register_dates("_planned", late)
        for inputs, reach, before in (
            (("raw.a", "raw.b"), 7, ()),
            (("raw.a", "meta.whole"), 10, ()),
            (("raw.a", "raw.b"), 6, ("raw.b",)),
        ):
            got = input_fingerprints(wh, late, inputs, reach, "m", before)
            for day in late:
                want = brute_force(wh, day, inputs, reach, before)
                assert got[day] == ("m:none" if want is None else f"m:{want:016x}"), (inputs, reach, day)
        wh.register_dates("_planned", planned)
        # a date before every dated partition: only the whole-table input, or nothing at all
        assert input_fingerprints(wh, planned, ("raw.a",), 7, "m")[planned[0]] == "m:none"
        assert input_fingerprints(wh, planned, ("meta.whole",), 7, "m")[planned[0]] != "m:none"
