"""tipsbench: rebuild the seven claims of the "Tips for Training DNN" lecture over many seeds.

The package holds the logic of the workflow, stage by stage: ``grid`` resolves the
config into conditions, ``data`` loads and verifies MNIST, ``models`` and ``training``
build and fit one condition, ``tables`` aggregates runs, ``plots`` draws figures from
tables and ``report`` renders the report from tables and figures. Only the thin
scripts under ``workflow/scripts`` touch paths.
"""

__version__ = "0.1.0"
