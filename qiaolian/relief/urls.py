"""The supplies pages: catalogue, warehouses, stock ledger, needs, allocations, shipments;
and the two pages associations open by their private links."""

from django.urls import path

from qiaolian.relief.views import allocations, needs, public, shipments, stock

app_name = "relief"

urlpatterns: list = [
    # --- catalogue, warehouses, stock ---------------------------------------------------
    path("items/", stock.ItemListView.as_view(), name="item_list"),
    path("items/new/", stock.ItemCreateView.as_view(), name="item_create"),
    path("items/<uuid:public_id>/edit/", stock.ItemEditView.as_view(), name="item_edit"),
    path("warehouses/", stock.WarehouseListView.as_view(), name="warehouse_list"),
    path("warehouses/new/", stock.WarehouseCreateView.as_view(), name="warehouse_create"),
    path(
        "warehouses/<uuid:public_id>/",
        stock.WarehouseDetailView.as_view(),
        name="warehouse_detail",
    ),
    path(
        "warehouses/<uuid:public_id>/edit/",
        stock.WarehouseEditView.as_view(),
        name="warehouse_edit",
    ),
    path("warehouses/<uuid:public_id>/receive/", stock.ReceiveView.as_view(), name="stock_receive"),
    path(
        "warehouses/<uuid:public_id>/transfer/",
        stock.TransferView.as_view(),
        name="stock_transfer",
    ),
    path("warehouses/<uuid:public_id>/adjust/", stock.AdjustView.as_view(), name="stock_adjust"),
    path("warehouses/<uuid:public_id>/count/", stock.CountView.as_view(), name="stock_count"),
    path("lots/<uuid:public_id>/", stock.LotDetailView.as_view(), name="lot_detail"),
    path("ledger/", stock.LedgerView.as_view(), name="ledger"),
    # --- needs --------------------------------------------------------------------------
    path("needs/", needs.NeedListView.as_view(), name="need_list"),
    path("needs/new/", needs.NeedCreateView.as_view(), name="need_create"),
    path("needs/<uuid:public_id>/", needs.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<uuid:public_id>/review/", needs.NeedReviewView.as_view(), name="need_review"),
    path("needs/<uuid:public_id>/cancel/", needs.NeedCancelView.as_view(), name="need_cancel"),
    path("needs/link/", needs.NeedLinkView.as_view(), name="need_link"),
    # --- allocations --------------------------------------------------------------------
    path("allocations/", allocations.AllocationListView.as_view(), name="allocation_list"),
    path(
        "allocations/new/",
        allocations.AllocationProposeView.as_view(),
        name="allocation_propose",
    ),
    path(
        "allocations/<uuid:public_id>/",
        allocations.AllocationDetailView.as_view(),
        name="allocation_detail",
    ),
    path(
        "allocations/<uuid:public_id>/lines/",
        allocations.AllocationLinesView.as_view(),
        name="allocation_lines",
    ),
    path(
        "allocations/<uuid:public_id>/approve/",
        allocations.AllocationApproveView.as_view(),
        name="allocation_approve",
    ),
    path(
        "allocations/<uuid:public_id>/cancel/",
        allocations.AllocationCancelView.as_view(),
        name="allocation_cancel",
    ),
    # --- shipments and thanks -----------------------------------------------------------
    path("shipments/", shipments.ShipmentListView.as_view(), name="shipment_list"),
    path(
        "shipments/<uuid:public_id>/",
        shipments.ShipmentDetailView.as_view(),
        name="shipment_detail",
    ),
    path(
        "shipments/<uuid:public_id>/ship/",
        shipments.ShipmentShipView.as_view(),
        name="shipment_ship",
    ),
    path(
        "shipments/<uuid:public_id>/deliver/",
        shipments.ShipmentDeliverView.as_view(),
        name="shipment_deliver",
    ),
    path(
        "shipments/<uuid:public_id>/ack-link/",
        shipments.ShipmentAckLinkView.as_view(),
        name="shipment_ack_link",
    ),
    path(
        "shipments/<uuid:public_id>/photo/",
        shipments.ShipmentPhotoView.as_view(),
        name="shipment_photo",
    ),
    path(
        "shipments/<uuid:public_id>/thanks/",
        shipments.ThanksCreateView.as_view(),
        name="thanks_create",
    ),
    path("thanks/", shipments.ThanksListView.as_view(), name="thanks_list"),
    # --- the associations' private-link pages (no login) ---------------------------------
    path("report/<str:token>/", public.NeedReportPublicView.as_view(), name="need_report_public"),
    path(
        "receipt/<str:token>/", public.ShipmentAckPublicView.as_view(), name="shipment_ack_public"
    ),
]
