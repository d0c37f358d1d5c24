"""Qiaolian (侨联通): the work platform of an overseas Chinese federation."""
