#!/usr/bin/env python3
"""A minimal `cvc5` executable stand-in built on PyPI's `cvc5` Python bindings.

cedar-policy-symcc spawns `$CVC5 --lang smt --tlimit=60000` (or `cvc5` on PATH),
writes SMT-LIB 2 commands to its stdin and reads the answers (`sat`, `unsat`,
`unknown`, a `(get-model)` block, or `(error "...")`) line by line from stdout.
PyPI's `cvc5` wheel ships the solver library and these bindings but no
executable, so this script plays the executable's part:

  * `--lang smt` / `--lang=smt2` etc. are accepted (SMT-LIB 2 is the only input);
  * `--tlimit=N` is mapped to the solver option `tlimit-per` (a limit per
    `check-sat`, milliseconds): a query that runs out answers `unknown`. The real
    executable's `--tlimit` is a limit on the whole process (measured: cvc5
    1.0.3 aborts with status 134 once N ms of wall time have passed since it
    started, even while idle), which kills a solver that symcc reuses for longer;
    `--tlimit-per=N` is passed through unchanged;
  * any other `--name=value` / `--name` flag is passed to `Solver.setOption`.

Input is read one complete S-expression at a time (parentheses balanced outside
string literals, quoted symbols and comments), parsed with `cvc5.InputParser`
and executed with `Command.invoke`; each command's output is written and
flushed at once, as the interactive executable does. A parse error is printed
as `(error "Parse Error: ...")` and ends the process, like the executable.
"""

import sys

import cvc5


def parse_args(argv):
    opts = []
    tlimit = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--lang", "-L"):
            i += 2
            continue
        if a.startswith("--lang="):
            i += 1
            continue
        if a.startswith("--"):
            name, _, value = a[2:].partition("=")
            if name == "tlimit":
                tlimit = value
            else:
                opts.append((name, value if value else "true"))
        i += 1
    return opts, tlimit


def commands(stream):
    """Yields complete top-level S-expressions from `stream`, one at a time."""
    buf = []
    depth = 0
    in_str = in_sym = False
    started = False
    while True:
        ch = stream.read(1)
        if ch == "":
            if started and "".join(buf).strip():
                yield "".join(buf)
            return
        if not started:
            if ch.isspace():
                continue
            if ch == ";":
                stream.readline()
                continue
            started = True
        buf.append(ch)
        if in_str:
            if ch == '"':
                in_str = False  # a doubled "" re-enters on the next character
            continue
        if in_sym:
            if ch == "|":
                in_sym = False
            continue
        if ch == '"':
            in_str = True
        elif ch == "|":
            in_sym = True
        elif ch == ";":
            buf.pop()
            stream.readline()
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                yield "".join(buf)
                buf, started = [], False


def quote(msg):
    return msg.replace('"', '""').replace("\n", " ")


def main():
    opts, tlimit = parse_args(sys.argv[1:])
    def fresh():
        # What the executable does on `(reset)`: a new solver with the command-line
        # options and a new symbol manager (so `set-logic` may be given again).
        tm = cvc5.TermManager()
        solver = cvc5.Solver(tm)
        for name, value in opts:
            solver.setOption(name, value)
        if tlimit is not None:
            solver.setOption("tlimit-per", tlimit)
        sm = cvc5.SymbolManager(tm)
        return solver, sm, cvc5.InputParser(solver, sm)

    solver, sm, parser = fresh()
    out = sys.stdout
    for text in commands(sys.stdin):
        # The bindings' incremental input (setIncrementalStringInput +
        # appendIncrementalStringInput) refuses to append in cvc5 1.4.2, so each
        # complete command is given as a fresh string input; declarations live in
        # the SymbolManager and the Solver, which persist.
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text + "\n", "stdin")
        while True:
            try:
                cmd = parser.nextCommand()
            except Exception as e:  # cvc5 raises on parse errors
                out.write('(error "Parse Error: %s")\n' % quote(str(e)))
                out.flush()
                return 1
            if cmd.isNull():
                break
            name = cmd.getCommandName()
            if name == "exit":
                return 0
            if name == "reset":
                solver, sm, parser = fresh()
                break
            try:
                result = cmd.invoke(solver, sm)
            except Exception as e:
                result = '(error "%s")\n' % quote(str(e))
            if name == "check-sat" and result.startswith("unknown"):
                # The API prints the explanation ("unknown (TIMEOUT)"); the
                # executable, and symcc's reader, use the bare word.
                result = "unknown\n"
            if result:
                out.write(result)
                out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
