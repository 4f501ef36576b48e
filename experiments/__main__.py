"""The command line: `python -m experiments <command> [options]` (also `jiebang`).

Each command is a module in `experiments/commands/` exposing `HELP`,
`add_arguments(parser)` and `main(args) -> int`, registered in `COMMANDS` below; a new
command is one module and one entry. Bad input (an invalid parameter, experiment file,
option or output folder, an unreachable scheduler) prints one line `error: ...` on
stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from typing import NoReturn

from experiments.commands import archetypes as archetypes_cmd
from experiments.commands import bench as bench_cmd
from experiments.commands import brief as brief_cmd
from experiments.commands import dashboard as dashboard_cmd
from experiments.commands import discover as discover_cmd
from experiments.commands import explain as explain_cmd
from experiments.commands import calibrate as calibrate_cmd
from experiments.commands import indicators as indicators_cmd
from experiments.commands import list as list_cmd
from experiments.commands import ocds as ocds_cmd
from experiments.commands import optimize as optimize_cmd
from experiments.commands import params as params_cmd
from experiments.commands import report as report_cmd
from experiments.commands import run as run_cmd
from experiments.commands import validate as validate_cmd
from experiments.commands import sensitivity as sensitivity_cmd
from experiments.commands import targets as targets_cmd

COMMANDS = {
    "run": run_cmd,
    "list": list_cmd,
    "params": params_cmd,
    "bench": bench_cmd,
    "report": report_cmd,
    "brief": brief_cmd,
    "sensitivity": sensitivity_cmd,
    "calibrate": calibrate_cmd,
    "optimize": optimize_cmd,
    "dashboard": dashboard_cmd,
    "validate": validate_cmd,
    "ocds": ocds_cmd,
    "indicators": indicators_cmd,
    "targets": targets_cmd,
    "discover": discover_cmd,
    "archetypes": archetypes_cmd,
    "explain": explain_cmd,
}
"""Command name -> module. Add new commands here."""

EXTRAS = {"optuna": "optimize", "solara": "viz", "altair": "viz", "libcoveocds": "ocds",
          "ocdsextensionregistry": "ocds", "ocdsmerge": "ocds", "ema_workbench": "ema", "nbclient": "notebooks",
          "nbformat": "notebooks"}
"""Optional package (import name) -> the pyproject extra that installs it."""


CANNOT_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT)
"""OSError numbers that mean the output cannot be written: reported in one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: `error: ... (see --help)`."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def version_text() -> str:
    """`jiebang X.Y.Z` with the git commit of the code when it runs from a repository
    (`+modified` when tracked files differ from it), for `--version`."""
    from importlib import metadata
    from pathlib import Path

    from experiments.engine.manifest import git_commit, git_modified

    try:
        text = f"jiebang {metadata.version('jiebang')}"
    except metadata.PackageNotFoundError:
        text = "jiebang (not installed: run from a source tree)"
    here = Path(__file__).resolve().parent
    commit = git_commit(here)
    if commit:
        text += f" (git {commit[:12]}{'+modified' if git_modified(here) else ''})"
    return text


class _Version(argparse.Action):
    """`--version`: print :func:`version_text` and exit 0 (computed only when asked)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The parser with one sub-parser per entry of `COMMANDS`."""
    parser = _Parser(prog="python -m experiments", description=__doc__.split("\n\n")[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version,
                        help="print the package version and git commit, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                parser_class=_Parser)
    for name, module in COMMANDS.items():
        cmd = sub.add_parser(name, help=module.HELP, description=module.__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(_command=module)
    return parser


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean bad input (reported in one line, exit status 2)."""
    from experiments.engine.runner import ExecutorError
    from experiments.engine.store import OutputError
    from experiments.engine.spec_checks import SpecError

    errors: tuple[type[BaseException], ...] = (SpecError, OutputError, ExecutorError)
    try:
        from model import ParamError
    except Exception:  # the model may be missing or broken; its error type is optional
        return errors
    return errors + (ParamError,)


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv[1:]) and run the command.

    Returns:
        The exit status: 0 success, 1 incomplete, 2 bad input, 130 interrupted.
    """
    try:
        args = build_parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)  # the command line, for provenance
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args._command.main(args) or 0)
    except user_errors() as exc:
        message = " ".join(str(exc).split("\n"))
        print(f"error: {message}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(f"error: `{args.command}` needs the optional package {exc.name}; install the "
              f"{extra!r} extra: pip install -e \".[{extra}]\"", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted (rerun the same command to resume)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `indicators DIR | head`: the reader left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        print("error: the output was closed before it was all written (broken pipe)",
              file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in CANNOT_WRITE:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: cannot write {where}{exc.strerror or exc} (choose a writable folder, "
              "or free some space)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
