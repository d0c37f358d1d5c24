#!/usr/bin/env python
from qiaolian.cli import main

if __name__ == "__main__":
    main()
