"""Run `nself-oncall ARGS...` under cProfile, counting the CPU time of the thread it profiles, the event loop's (not
wall time, which on a busy machine mostly measures waiting for a core, nor the CPU of other threads, which
process time would charge to whatever the loop runs meanwhile): `python bench/_profiled.py OUT.prof serve ...`.

The profiler runs between SIGUSR1 and SIGUSR2 (so that start-up is left out); the stats are written
when the command returns (SIGTERM stops serve and worker gracefully). Only the process started is profiled, not
the engine process of `serve`: profile an engine as a `worker`.
"""

import cProfile
import signal
import sys
import time

from nself_oncall.cli import main


def profiled() -> int:
    out = sys.argv.pop(1)
    profile = cProfile.Profile(time.thread_time)
    signal.signal(signal.SIGUSR1, lambda *_: profile.enable())
    signal.signal(signal.SIGUSR2, lambda *_: profile.disable())
    try:
        return main(sys.argv[1:])
    finally:
        profile.disable()
        profile.dump_stats(out)


if __name__ == "__main__":  # serve's engine process imports this module again (multiprocessing's spawn)
    sys.exit(profiled())
