"""The supplies app's writes, one module per area, gathered here.

`stock_receive` is the service the giving app calls for goods donations (RELIEF_API)."""

from qiaolian.relief.allocation import (
    allocation_approve,
    allocation_cancel,
    allocation_line_set,
    allocation_propose,
    propose_lines,
    share_fairly,
)
from qiaolian.relief.catalogue import (
    ITEM_FIELDS,
    item_create,
    item_update,
    warehouse_create,
    warehouse_update,
)
from qiaolian.relief.needs import need_cancel, need_confirm, need_link_create, need_report
from qiaolian.relief.shipping import (
    ack_link_create,
    shipment_acknowledge,
    shipment_deliver,
    shipment_pack,
    shipment_ship,
    thanks_record,
)
from qiaolian.relief.stock import (
    stock_adjust,
    stock_count,
    stock_dispatch,
    stock_receive,
    stock_transfer,
)

__all__ = [
    "ITEM_FIELDS",
    "ack_link_create",
    "allocation_approve",
    "allocation_cancel",
    "allocation_line_set",
    "allocation_propose",
    "item_create",
    "item_update",
    "need_cancel",
    "need_confirm",
    "need_link_create",
    "need_report",
    "propose_lines",
    "share_fairly",
    "shipment_acknowledge",
    "shipment_deliver",
    "shipment_pack",
    "shipment_ship",
    "stock_adjust",
    "stock_count",
    "stock_dispatch",
    "stock_receive",
    "stock_transfer",
    "thanks_record",
    "warehouse_create",
    "warehouse_update",
]
