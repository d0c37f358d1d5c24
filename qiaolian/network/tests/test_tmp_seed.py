import pytest
from qiaolian.network.seed import Plan, seed_network
from qiaolian.network import selectors

@pytest.mark.django_db
def test_tiny(cast):
    made = seed_network(plan=Plan.tiny(), units=[cast.district_a, cast.township_a1, cast.district_b])
    print(made)
    print(selectors.coverage(user=cast.city_admin))
