"""Sub-commands of `python -m experiments`, one module each.

A command module exposes `HELP` (one line), `add_arguments(parser)` and
`main(args) -> int`, and is registered by name in `experiments.__main__.COMMANDS`.
Command modules import heavy packages inside `main`, so `--help` stays fast.
"""
