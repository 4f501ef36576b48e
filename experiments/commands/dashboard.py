"""Serve the interactive dashboard (model/app.py: Solara with Mesa's ModelCreator) in the browser.

Examples:
    python -m experiments dashboard
    python -m experiments dashboard experiments/scenarios/lots.toml --port 8766
    python -m experiments dashboard --lang zh          # 中文界面 (a selector switches it too)

The page starts with SCENARIO.toml (default: the baseline) and lists every scenario of
experiments/scenarios/. It listens on 127.0.0.1 only unless --host says otherwise; Ctrl+C
stops it. Needs the `viz` extra (solara, altair): pip install -e ".[viz]".
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

HELP = "serve the interactive dashboard (Solara) on 127.0.0.1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the scenario argument, `--port` and `--host`."""
    parser.add_argument("scenario", nargs="?", type=Path, metavar="SCENARIO.toml",
                        help="scenario file the page starts with (default: the baseline)")
    parser.add_argument("--port", type=int, default=8765, metavar="N", help="TCP port (default: 8765)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--lang", default="en", metavar="LANG",
                        help="language the page starts in: en (default) or zh (中文)")


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def check_address(host: str, port: int) -> str:
    """Why ``host:port`` cannot be served ("" when it can): bad port, unknown host, port in use."""
    if not 1 <= port <= 65535:
        return f"--port {port}: must be between 1 and 65535"
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        return f"--host {host!r}: not an address of this machine ({exc})"
    with socket.socket(info[0], socket.SOCK_STREAM) as sock:
        if os.name == "posix":  # as the server does: a closed port in TIME_WAIT is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(info[4])
        except OSError as exc:
            return f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port"
    return ""


def command(app: Path, host: str, port: int) -> list[str]:
    """The `solara run` command line that serves ``app``."""
    return [sys.executable, "-m", "solara", "run", str(app), "--host", host, "--port", str(port),
            "--no-open", "--no-check-version", "--production"]


def main(args: argparse.Namespace) -> int:
    """Validate the input, then replace this process by the Solara server.

    Returns:
        2 on bad input (one line on stderr); otherwise the server's exit status.
    """
    from model.params import load_scenario

    from model.i18n import LANGS

    if args.lang not in LANGS:
        return _error(f"--lang {args.lang!r}: unknown language; allowed: {', '.join(LANGS)}")
    scenario = args.scenario
    if scenario is not None:
        load_scenario(scenario)  # a bad file raises ParamError: one line, exit status 2
    try:
        import mesa.visualization  # noqa: F401
        import solara  # noqa: F401
    except ImportError as exc:
        return _error(f"the dashboard needs the viz extra ({exc}); install it with: pip install -e \".[viz]\"")
    problem = check_address(args.host, args.port)
    if problem:
        return _error(problem)
    import model.app as app

    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    env[app.SCENARIO_ENV] = str(scenario.resolve()) if scenario is not None else ""
    env[app.LANG_ENV] = args.lang
    argv = command(Path(app.__file__), args.host, args.port)
    print(f"Jiebang dashboard on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    if os.name == "posix":
        os.execve(argv[0], argv, env)  # the server keeps this process id: stopping it stops the server
    import subprocess

    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 0
