import pytest


@pytest.fixture
def tree(db):
    from shiliu.orgs.tests.factories import Tree

    return Tree()
