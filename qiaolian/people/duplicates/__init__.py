"""Duplicates in the register: find them, merge them field by field, undo a merge, and mark
pairs that are not the same person.

    finder.py     blocking and scoring (rapidfuzz); `find_duplicates(people)` returns pairs
    scans.py      scans run by a worker (`scan_for_duplicates` task); results stored as
                  DuplicateCandidate rows the pages read
    merging.py    the work behind services.person_merge / person_unmerge / duplicate_dismiss
    selectors.py  scoped reads of candidates and merges, and the merge page's comparison
    forms.py      the candidates filter and the merge form
"""
