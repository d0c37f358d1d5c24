"""Importing people from spreadsheets (.xlsx, .xls, .csv in UTF-8 or GBK/GB18030).

The pipeline, one module per step:

- `hostile.inspect_file`: refuse what must not be opened (wrong type behind the extension, zip
  bombs, XML entity tricks, macros, too large); nothing is written for a refused file.
- `reading.read_table`: the sheet as text cells, with the Excel row number of every row.
- `mapping.auto_map`: which column is which field, from Chinese and English headers.
- `validation.Validator`: each row cleaned (names, dates, countries, E.164 phones …) or its
  problems, each naming the row, the column, the value, the reason and the fix.
- `matching.Matcher`: duplicates in the user's VIEW scope and within the file.
- `pipeline.analyse`: all of the above, as a plan per row; `committing.commit_plan` writes it
  in chunk transactions, `committing.undo_batch` takes it back.
- `services`: the use cases the pages, the task and the CLI call.
"""

from qiaolian.people.imports.errors import ImportRefused

__all__ = ["ImportRefused"]
