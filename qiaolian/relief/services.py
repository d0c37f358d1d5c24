"""The supplies app's writes. Stock movements live in `stock.py` and are re-exported here
(`stock_receive` is the service the giving app calls for goods donations)."""

from qiaolian.relief.stock import (
    stock_adjust,
    stock_count,
    stock_dispatch,
    stock_receive,
    stock_transfer,
)

__all__ = ["stock_adjust", "stock_count", "stock_dispatch", "stock_receive", "stock_transfer"]
