"""The papers of a grant are declared once (services/aid/paper_kinds.py): the CLI's `print` choices and
the grant editor's list come from that registry, and each entry names an assembler and a renderer
that exist."""

from __future__ import annotations

import inspect

import pytest

from kaltim_desk.commands.printing import collect_kinds
from kaltim_desk.services.aid.paper_kinds import GRANT_PAPERS, GrantPaper, _function


def test_every_paper_is_a_print_choice_with_its_help() -> None:
    kinds = collect_kinds()
    for kind, paper in GRANT_PAPERS.items():
        assert kinds[kind].help == paper.help


@pytest.mark.parametrize("paper", list(GRANT_PAPERS.values()), ids=list(GRANT_PAPERS))
def test_each_paper_names_an_assembler_and_a_renderer_that_exist(paper: GrantPaper) -> None:
    assemble = inspect.signature(_function(paper.assembler))
    assert "grant_id" in assemble.parameters
    assert ("seq" in assemble.parameters) == paper.takes_tranche
    assert len(inspect.signature(_function(paper.renderer)).parameters) >= 2
    assert paper.label()
