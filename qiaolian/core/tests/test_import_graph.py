"""No import cycles among Qiaolian's modules (tests and migrations aside).

grimp reads every import statement: those inside functions and under TYPE_CHECKING count too,
so an import moved into a function to dodge a circular import still shows here as the cycle it
is. The layers themselves (core, people, the apps) are import-linter's contract in
pyproject.toml, run by `.ci/run`.
"""

from __future__ import annotations

import grimp


def _outside(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (each holds a cycle), by
    Tarjan's algorithm, iterative so that deep import chains cannot exhaust the stack."""
    modules = sorted(m for m in graph.modules if not _outside(m))
    edges = {
        m: sorted(x for x in graph.find_modules_directly_imported_by(m) if not _outside(x))
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if child < len(edges[node]):
                work.append((node, child + 1))
                target = edges[node][child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    members = set(component)
    lines = [f"{len(component)} modules import each other:"]
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            lines.extend(
                f"  {importer}:{detail['line_number']} -> {imported}  ({detail['line_contents']})"
                for detail in graph.get_import_details(importer=importer, imported=imported)
            )
    return "\n".join(lines)


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    # Why the finder itself is tested: a finder that found nothing would pass the test below.
    graph = grimp.ImportGraph()
    for name in ("pkg.a", "pkg.b", "pkg.c", "pkg.tests.test_a"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")  # e.g. inside a function
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.a", imported="pkg.tests.test_a")
    graph.add_import(importer="pkg.tests.test_a", imported="pkg.c")  # tests do not count
    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_module_of_qiaolian_takes_part_in_an_import_cycle():
    graph = grimp.build_graph("qiaolian", cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "\n\n".join(_describe(graph, component) for component in cycles)
