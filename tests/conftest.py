"""Test order for the two pytest workers of CI (`pytest -n 2`, pytest-xdist's `load` scheduling).

The workers take tests in collection order. A long test collected late (the quality gate, ~3 minutes) would start near
the end and leave one worker running it alone while the other has nothing left. The longest tests therefore go first
(longest-processing-time-first scheduling): the quality gate, then the chapters in the browser. Every other test keeps
its place; nothing is skipped or added.
"""

FIRST = ("test_quality.py", "test_browser.py")   # longest first


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(FIRST)))   # a stable sort: the rest keep their order
