"""What both client drivers print: one JSON object per stdout line for the TypeScript side, and
diagnostics on stderr prefixed with the driver's name. Imported from the drivers' own directory
(Python puts a script's directory first on sys.path)."""
import json
import sys


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")


def stderr_logger(name):
    def err(msg):
        sys.stderr.write("[%s] %s\n" % (name, msg))
        sys.stderr.flush()
    return err


def dec(b):
    return None if b is None else b.decode("utf-8", "backslashreplace")
