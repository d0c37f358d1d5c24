"""The supplies pages: catalogue, warehouses, stock ledger, needs, allocations, shipments."""

app_name = "relief"

urlpatterns: list = []
