"""The cycle page's cards stay in their columns: every <section>, <article> and <div> it opens is
closed by the same tag (the Assess card once fell outside its column: a <section> closed by </div>)."""

import re
from html.parser import HTMLParser

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

BLOCKS = {"section", "article", "div"}


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.mismatches = [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.stack.append((tag, dict(attrs).get("aria-labelledby") or dict(attrs).get("class", "")))

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            opened = self.stack.pop() if self.stack else (None, "")
            if opened[0] != tag:
                self.mismatches.append(f"<{opened[0]} {opened[1]}> closed by </{tag}>")


@pytest.mark.parametrize("stage", ["assess", "do", "review", "closed"])
def test_cycle_page_closes_every_section_with_section(login, sendco, pupil, stage):
    cycle = f.SupportCycleFactory(pupil=pupil, stage=stage)
    f.TargetFactory(cycle=cycle)
    page = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    main = re.search(r"<main[^>]*>(.*)</main>", page, re.S).group(1)
    parser = _Blocks()
    parser.feed(main)
    assert parser.mismatches == [] and parser.stack == []
    assert 'aria-labelledby="h-assess"' in main
