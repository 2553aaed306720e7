"""A big read in a task comes in chunks and is let go of piece by piece: the same rows, in order."""

from __future__ import annotations

from sqlalchemy import select

from kaltim_desk.core import big_reads
from kaltim_desk.models.region import Region


def test_streamed_gives_every_row_in_order_across_chunks(session):
    expected = session.execute(select(Region.code, Region.name).order_by(Region.code)).all()
    assert len(expected) > 5
    got = list(big_reads.streamed(session, select(Region.code, Region.name).order_by(Region.code), chunk=2))
    assert [tuple(r) for r in got] == [tuple(r) for r in expected]


def test_release_empties_every_container():
    d, items, s = {i: (i, str(i)) for i in range(5000)}, list(range(4500)), set(range(10))
    big_reads.release(d, items, s)
    assert d == {} and items == [] and s == set()
