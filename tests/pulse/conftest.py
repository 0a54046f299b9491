from tests.widgets.conftest import specs, store  # noqa: F401 (the sample activities and a progress file)
