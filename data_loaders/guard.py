"""Parse an upload in a child process, bounded in time and memory, so no file can hang or kill the app.

    from data_loaders.guard import run_bounded
    inputs = run_bounded(read_sources, sources, mapping=mapping)

    # With a progress indicator: whatever fn reports through report_progress("Reading file 2 of 3")
    # reaches show_stage in the calling thread while the child works.
    inputs = run_bounded(read_files, sources, progress=show_stage)

An upload is untrusted. data_loaders.readers refuses the crafted files we know of, but python-calamine
is a Rust library that trusts its input: a failed allocation there aborts the whole process, a panic
arrives as a BaseException, and a parser can loop or swell on input nobody has thought of yet. In a
child process the worst a file can do is end that child; the person gets an InputError saying what
happened and what to do, and the server goes on serving everyone else.

Why fork. A forked child starts at once with everything already imported (pandas, calamine, the
project); spawning a fresh interpreter costs about a second per upload in imports alone. Forking a
multi-threaded process (the Streamlit server runs each session in a thread) copies only the calling
thread, so a lock another thread held at that instant stays held in the child for ever. That is
acceptable here because the child only computes on bytes already in memory: it touches no Streamlit
state, database, socket or log handler, writes its result to a pipe and leaves with os._exit, so none
of the server's atexit handlers, buffers or finalisers run twice. CPython itself re-initialises the
locks it owns (imports, logging handlers) after a fork. And if the child did block on an inherited
lock, the time limit would end it like any other hang. Where fork is not available (not Linux), the
function runs in-process, unbounded, and a warning is logged once.

At most PARSE_WORKERS calls run at once (one per processor this process may use, or WRES_PARSE_WORKERS):
a region's people uploading together would otherwise fork a child each, every one competing for the
same cores and each allowed PARSE_MEMORY_BYTES. The others wait their turn, first come first served,
told through `progress` how many are ahead ("Waiting for 2 other sets of files to be read..."); the time
limit counts from the child's start, not from the wait. A call that has waited PARSE_QUEUE_SECONDS is
refused with an InputError saying the server is busy, never dropped without a word. Each call still gets
a fresh child (a pool of long-lived workers would carry one upload's memory and any damage into the
next): the pool is of places to run, not of processes.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import os
import pickle
import resource
import select
import signal
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from data_loaders.errors import InputError

PARSE_TIMEOUT_SECONDS = 120.0
PARSE_MEMORY_BYTES = 3 * 1024**3


def default_workers() -> int:
    """How many files are read at once: WRES_PARSE_WORKERS if set, else one per processor this process may use."""
    setting = os.environ.get("WRES_PARSE_WORKERS", "").strip()
    if setting:
        try:
            return max(int(setting), 1)
        except ValueError:
            logger.warning("WRES_PARSE_WORKERS=%r is not a whole number: using one per processor", setting)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):  # not Linux
        return max(os.cpu_count() or 1, 1)


logger = logging.getLogger(__name__)

T = TypeVar("T")

# How many calls run at once, and how long one may wait for a place: read at each call, so a deployment (or a
# test) can change them.
PARSE_WORKERS = default_workers()
PARSE_QUEUE_SECONDS = 900.0

_FORK = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
_warned_in_process = False

# What the child sends back, pickled after an 8-byte length: (_OK, result), (_INPUT_ERROR, class,
# args, fields), (_MEMORY,) or (_FAILED, exception type name, traceback without values).
_OK, _INPUT_ERROR, _MEMORY, _FAILED = "ok", "input error", "memory", "failed"
_HEADER = struct.Struct("<Q")
# A stage reported by the child: its length, then UTF-8. Whole messages up to PIPE_BUF (4096 bytes on
# Linux) are written to a pipe at once, so a non-blocking write sends all of one or none of it.
_STAGE_HEADER = struct.Struct("<H")
_STAGE_LARGEST = 1024
_EXIT_MEMORY = 3  # the child ran out of memory and could not even say so through the pipe
_EXIT_FAILED = 4
# Rust's allocation failure handler prints this before aborting.
_RUST_ALLOCATION_FAILED = b"memory allocation of "
_STDERR_KEPT_BYTES = 64 * 1024
_POLL_MILLISECONDS = 200
_EXIT_GRACE_SECONDS = 5.0

_MAKE_SMALLER = (
    "Remove the rows, columns or sheets you do not need (including formatted cells far below or to the "
    "right of the table), split a large file into smaller ones, or save the data as .csv, then upload again."
)


def run_bounded(
    fn: Callable[..., T],
    /,
    *args: Any,
    timeout: float = PARSE_TIMEOUT_SECONDS,
    memory_bytes: int = PARSE_MEMORY_BYTES,
    progress: Callable[[str], None] | None = None,
    **kwargs: Any,
) -> T:
    """fn(*args, **kwargs) computed in a child process; its result must pickle.

    Raises InputError when the call takes longer than `timeout` seconds, needs more than `memory_bytes`
    more memory than the process had when it started, or the child dies; an InputError raised by fn comes
    out as it was raised; any other exception becomes an InputError that names no internals (and is
    logged, without its message, which may quote cells).

    With `progress`, each stage fn reports through report_progress is passed to it, in the calling
    thread, while fn runs; an exception it raises ends the child and comes out of run_bounded.

    First waits for a place (at most PARSE_WORKERS calls run at once), saying through `progress` how many
    calls are ahead; raises InputError (the server is busy) after PARSE_QUEUE_SECONDS without one.
    """
    if timeout <= 0 or memory_bytes <= 0:
        raise ValueError("timeout and memory_bytes must be positive")
    _SLOTS.acquire(fn, progress)
    try:
        if _FORK is None:
            return _run_in_process(fn, args, kwargs, progress)
        return _run_in_child(fn, args, kwargs, timeout, memory_bytes, progress)
    finally:
        _SLOTS.release()


def _run_in_child(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], timeout: float, memory_bytes: int,
    progress: Callable[[str], None] | None,
) -> T:
    assert _FORK is not None  # run_bounded calls this only where fork is available
    pipes = [os.pipe() for _ in range(3 if progress else 2)]
    (result_r, result_w), (stderr_r, stderr_w) = pipes[:2]
    stage_r, stage_w = pipes[2] if progress else (None, None)
    try:
        child = _FORK.Process(target=_child, args=(fn, args, kwargs, memory_bytes, result_w, stderr_w, stage_w),
                              daemon=True)
        child.start()
    except BaseException as error:
        for read_end, _ in pipes:
            os.close(read_end)
        if isinstance(error, OSError):  # no process to be had (EAGAIN, ENOMEM): the server's state, not the file's
            logger.error("%s: could not start a child process (%s)", _name(fn), error.strerror or error)
            raise _busy() from None
        raise
    finally:
        for _, write_end in pipes:
            os.close(write_end)
    try:
        stages = _StageReader(stage_r, progress) if stage_r is not None and progress else None
        ending = _wait(child, result_r, stderr_r, stages, time.monotonic() + timeout, memory_bytes)
        if ending.message is not None:
            _await_exit(child, _EXIT_GRACE_SECONDS)
            _drain(stderr_r, lambda: _keep_stderr(stderr_r, ending.stderr))
    finally:
        if child.exitcode is None:
            child.kill()
        child.join()  # reaps it: no zombie is left behind, whatever happened
        _close(child)
        for read_end, _ in pipes:
            os.close(read_end)
    return _result(fn, ending, timeout, memory_bytes)


def waiting_stage(ahead: int) -> str:
    """What a call waiting for a place is told: how many calls are ahead of it."""
    return f"Waiting for {ahead} other set{'' if ahead == 1 else 's'} of files to be read first"


class _Slots:
    """Places for PARSE_WORKERS calls at once; the rest queue, first come first served."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = 0
        self._queue: deque[object] = deque()

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def acquire(self, fn: Callable[..., Any], progress: Callable[[str], None] | None) -> None:
        """Take a place, waiting for one if all are taken, and saying (through `progress`) how many calls are
        ahead whenever that changes. Raises InputError after PARSE_QUEUE_SECONDS without one."""
        ticket = object()
        deadline = time.monotonic() + PARSE_QUEUE_SECONDS
        told: int | None = None
        with self._changed:
            self._queue.append(ticket)
        try:
            while True:
                with self._changed:
                    workers = max(int(PARSE_WORKERS), 1)
                    if self._queue[0] is ticket and self._running < workers:
                        self._queue.popleft()
                        self._running += 1
                        self._changed.notify_all()  # the next in the queue may fit too
                        return
                    # Those running or queued in front, less the places free for them (none ahead: a place is
                    # free, and the call in front is about to take its own).
                    ahead = self._running + self._queue.index(ticket) - workers + 1
                    if ahead <= 0 or ahead == told or progress is None:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            logger.warning("%s waited %s for a place to run (%s running, %s waiting)", _name(fn),
                                           _duration(PARSE_QUEUE_SECONDS), self._running, len(self._queue))
                            raise _busy()
                        self._changed.wait(min(remaining, 1.0))
                        continue
                told = ahead
                progress(waiting_stage(ahead))  # outside the lock: it is the caller's code
        except BaseException:
            with self._changed:
                self._queue.remove(ticket)
                self._changed.notify_all()
            raise

    def release(self) -> None:
        with self._changed:
            self._running -= 1
            self._changed.notify_all()


_SLOTS = _Slots()


def running_and_waiting() -> tuple[int, int]:
    """How many calls are running now, and how many are waiting for a place."""
    return _SLOTS.running, _SLOTS.waiting


def report_progress(stage: str) -> None:
    """Tell the caller of run_bounded which stage the work has reached ("Reading file 2 of 3").

    Does nothing outside run_bounded or when its caller asked for no progress. Never blocks and never
    fails the work: a stage that cannot be sent at once is dropped (the next one says more anyway).
    """
    if _stage_fd is not None:
        data = stage.encode("utf-8")[:_STAGE_LARGEST]
        try:
            os.write(_stage_fd, _STAGE_HEADER.pack(len(data)) + data)
        except OSError:  # the pipe is full (the parent is slow to read) or closed (the parent has gone)
            pass
        return
    sink = getattr(_in_process, "progress", None)
    if sink is not None:
        sink(stage)


# The child's end of the stage pipe, set in the child only; the in-process fallback's callback, per thread.
_stage_fd: int | None = None
_in_process = threading.local()


def _await_exit(child: multiprocessing.process.BaseProcess, seconds: float) -> None:
    # Not join(timeout): it waits on the sentinel pipe, which a child forked at the same moment by another
    # thread may hold open until that child ends.
    deadline = time.monotonic() + seconds
    pause = 0.001
    while child.exitcode is None and time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _close(child: multiprocessing.process.BaseProcess) -> None:
    try:
        child.close()
    except ValueError:
        # Another thread starting a process reaps finished children (multiprocessing's _cleanup); if it
        # took this one's exit status at the same instant, close() may not have seen it yet. The object is
        # then left to the garbage collector, which releases the same resources.
        pass


# --- the child --------------------------------------------------------------------------------------


def _child(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], memory_bytes: int, result_w: int,
    stderr_w: int, stage_w: int | None,
) -> None:
    """Runs in the forked child and never returns."""
    global _stage_fd
    code = 0
    try:
        if stage_w is not None:
            os.set_blocking(stage_w, False)
            _stage_fd = stage_w
        # Both the libraries' stderr and Python's go to the parent, which looks there for an abort for lack
        # of memory and passes the rest on.
        os.dup2(stderr_w, 2)
        sys.stderr = open(2, "w", errors="backslashreplace", closefd=False, buffering=1)
        # A crash is an outcome the parent reports; a Python stack dump per hostile upload is noise.
        faulthandler.disable()
        _reset_signals()
        _limit_memory(memory_bytes)
        data = _serialised(_outcome(fn, args, kwargs))
        _write_all(result_w, _HEADER.pack(len(data)))
        _write_all(result_w, data)
    except MemoryError:
        code = _EXIT_MEMORY
    except BaseException:
        code = _EXIT_FAILED
    finally:
        try:
            sys.stderr.flush()  # what the child wrote reaches the parent (stdout may hold the parent's lines)
        except BaseException:
            pass
        os._exit(code)


def _reset_signals() -> None:
    # The server's handlers, and asyncio's wakeup socket (shared with the parent through the fork), are
    # the server's business: a SIGTERM sent to the whole process group must end the child, not run them.
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


def _limit_memory(memory_bytes: int) -> None:
    # RLIMIT_AS caps the address space, and a forked child starts with all of its parent's: the
    # server's libraries, heaps and each thread's stack, reserved though mostly never touched, often
    # gigabytes. A limit of memory_bytes alone could sit below what the child already has, and its
    # first allocation would fail; so the limit is the child's size at the start plus memory_bytes: the
    # parse may grow by that much. Address space overstates use (a thread's stack and malloc arena
    # count in full when reserved), but the parse starts no threads (measured: read_sources and analyse
    # run on the child's one thread). Without /proc (no VmSize to read) the child runs without the limit.
    current = _address_space_bytes()
    if current is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + memory_bytes
    for existing in (soft, hard):
        if existing != resource.RLIM_INFINITY:
            limit = min(limit, existing)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # A core dump of the child would be large and hold the upload's cells.
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))


def _address_space_bytes() -> int | None:
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _outcome(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    # Returning from the except blocks drops the traceback, and with it whatever the frames held.
    try:
        return (_OK, fn(*args, **kwargs))
    except InputError as error:
        # Sent as class, args and fields: pickling the exception itself would rebuild it from
        # args alone, losing file, sheet, row, column and advice.
        return (_INPUT_ERROR, type(error), error.args, dict(vars(error)))
    except MemoryError:
        return (_MEMORY,)
    except BaseException as error:  # anything, including pyo3's PanicException, which may not pickle
        return (_FAILED, *_described(error))


def _serialised(outcome: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        failure: tuple[Any, ...] = (_MEMORY,)
    except BaseException as error:  # a result or an exception's field that does not pickle
        failure = (_FAILED, *_described(error))
    return pickle.dumps(failure, protocol=pickle.HIGHEST_PROTOCOL)


def _described(error: BaseException) -> tuple[str, str]:
    """The exception's type and where it was raised; never its message, which may quote a cell."""
    kind = type(error)
    frames = "".join(traceback.format_tb(error.__traceback__, limit=-30))
    return f"{kind.__module__}.{kind.__qualname__}", frames


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# --- the parent -------------------------------------------------------------------------------------


class _Ending:
    """How the child ended: a message, a timeout, or an exit with no (whole) message."""

    def __init__(self) -> None:
        self.message: bytearray | None = None
        self.timed_out = False
        self.exitcode: int | None = None
        self.stderr = bytearray()


class _MessageReader:
    """Reads the child's length-prefixed message as it arrives, without waiting for the pipe to close:
    a child forked at the same moment by another thread may hold a copy of this pipe's write end."""

    def __init__(self, fd: int, largest: int) -> None:
        self.fd = fd
        self.largest = largest
        self.header = b""
        self.body: bytearray | None = None
        self.filled = 0

    @property
    def complete(self) -> bool:
        return self.body is not None and self.filled == len(self.body)

    def read(self) -> bool:
        """Read what is available; False at end of file or once the message is whole."""
        if self.body is None:
            chunk = os.read(self.fd, _HEADER.size - len(self.header))
            self.header += chunk
            if len(self.header) == _HEADER.size:
                (length,) = _HEADER.unpack(self.header)
                if length > self.largest:  # the child cannot have made it within its memory limit
                    raise OSError("the child's message is longer than its memory allows")
                self.body = bytearray(length)
            return bool(chunk)
        if self.complete:
            return False
        count = os.readv(self.fd, [memoryview(self.body)[self.filled :]])
        self.filled += count
        return count > 0 and not self.complete


class _StageReader:
    """Reads the stages the child reports and passes each whole one to the caller's callback."""

    def __init__(self, fd: int, progress: Callable[[str], None]) -> None:
        self.fd = fd
        self.progress = progress
        self.pending = bytearray()

    def read(self) -> bool:
        """Read what is available; False at end of file or when the stream cannot be right."""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False  # progress is a courtesy: the work goes on without it
        self.pending += chunk
        while len(self.pending) >= _STAGE_HEADER.size:
            (length,) = _STAGE_HEADER.unpack_from(self.pending)
            if length > _STAGE_LARGEST:
                return False  # not what report_progress writes: stop listening, the work goes on
            if len(self.pending) < _STAGE_HEADER.size + length:
                break
            stage = bytes(self.pending[_STAGE_HEADER.size : _STAGE_HEADER.size + length])
            del self.pending[: _STAGE_HEADER.size + length]
            self.progress(stage.decode("utf-8", errors="replace"))
        return bool(chunk)


def _wait(
    child: multiprocessing.process.BaseProcess, result_r: int, stderr_r: int, stages: _StageReader | None,
    deadline: float, memory_bytes: int,
) -> _Ending:
    ending = _Ending()
    reader = _MessageReader(result_r, largest=memory_bytes)
    poller = select.poll()
    for fd in (result_r, stderr_r, child.sentinel, *([stages.fd] if stages else [])):
        poller.register(fd, select.POLLIN)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            ending.timed_out = True
            return ending
        ready = {fd for fd, _ in poller.poll(min(remaining * 1000, _POLL_MILLISECONDS))}
        # Outside the try below: an exception from the caller's callback is the caller's, not the child's.
        if stages is not None and stages.fd in ready and not stages.read():
            poller.unregister(stages.fd)
            stages = None
        try:
            if stderr_r in ready and not _keep_stderr(stderr_r, ending.stderr):
                poller.unregister(stderr_r)
            if result_r in ready and not reader.read() and not reader.complete:
                poller.unregister(result_r)  # end of file: the child is ending
        except OSError:
            return ending  # a message that cannot be right: treated as a child that said nothing
        if reader.complete:
            ending.message = reader.body
            return ending
        # Polled, not only awaited through the sentinel: another thread's child may hold the sentinel's pipe.
        if child.exitcode is not None:
            # Whatever it wrote before it ended is in the pipes already.
            try:
                _drain(result_r, reader.read)
            except OSError:
                pass
            _drain(stderr_r, lambda: _keep_stderr(stderr_r, ending.stderr))
            if reader.complete:
                ending.message = reader.body
            ending.exitcode = child.exitcode
            return ending


def _keep_stderr(fd: int, kept: bytearray) -> bool:
    chunk = os.read(fd, 65536)
    kept += chunk
    del kept[:-_STDERR_KEPT_BYTES]
    return bool(chunk)


def _drain(fd: int, read: Callable[[], bool]) -> None:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while poller.poll(0) and read():
        pass


def _result(fn: Callable[..., T], ending: _Ending, timeout: float, memory_bytes: int) -> T:
    _relay_stderr(ending.stderr)
    if ending.timed_out:
        logger.warning("%s was stopped after %s", _name(fn), _duration(timeout))
        raise _too_slow(timeout)
    if ending.message is None:
        _died(fn, ending, memory_bytes)
    try:
        outcome = pickle.loads(ending.message)  # written by our own child, not by the uploader
    except Exception as error:
        _log_failure(fn, *_described(error))
        raise _unexpected() from None
    kind = outcome[0]
    if kind == _OK:
        return outcome[1]
    if kind == _INPUT_ERROR:
        raise _rebuilt(*outcome[1:])
    if kind == _MEMORY:
        logger.warning("%s ran out of memory (limit %s bytes)", _name(fn), memory_bytes)
        raise _too_much_memory(memory_bytes)
    _log_failure(fn, *outcome[1:])
    raise _unexpected()


def _died(fn: Callable[..., Any], ending: _Ending, memory_bytes: int) -> NoReturn:
    code = ending.exitcode
    if code == _EXIT_MEMORY or (code is not None and code < 0 and _RUST_ALLOCATION_FAILED in ending.stderr):
        logger.warning("%s ran out of memory (limit %s bytes; exit %s)", _name(fn), memory_bytes, code)
        raise _too_much_memory(memory_bytes)
    how = f"signal {_signal_name(-code)}" if code is not None and code < 0 else f"exit code {code}"
    logger.error("%s: the child process died (%s) without a result", _name(fn), how)
    raise _crashed()


def _relay_stderr(text: bytearray) -> None:
    """What the child wrote to stderr goes where it would have gone without the pipe."""
    if text:
        sys.stderr.write(text.decode("utf-8", errors="replace"))


def _rebuilt(kind: type[InputError], args: tuple[Any, ...], fields: dict[str, Any]) -> InputError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(fields)
    return error


def _run_in_process(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], progress: Callable[[str], None] | None,
) -> T:
    global _warned_in_process
    if not _warned_in_process:
        _warned_in_process = True
        logger.warning("fork is not available: uploads are parsed in-process, without a time or memory limit")
    caller_failed: list[BaseException] = []

    def relay(stage: str) -> None:
        assert progress is not None  # relay is installed only when there is a progress callback
        try:
            progress(stage)
        except BaseException as error:
            caller_failed.append(error)
            raise

    outer = getattr(_in_process, "progress", None)
    _in_process.progress = relay if progress else None
    try:
        return fn(*args, **kwargs)
    except InputError:
        raise
    except MemoryError:
        raise _too_much_memory(None) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        if caller_failed:  # the caller's own callback raised (a rerun, say): theirs, as it was raised
            raise caller_failed[0] from None
        _log_failure(fn, *_described(error))
        raise _unexpected() from None
    finally:
        _in_process.progress = outer


def _log_failure(fn: Callable[..., Any], kind: str, frames: str) -> None:
    logger.error("%s raised %s (message withheld: it may quote the upload)\n%s", _name(fn), kind, frames)


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', None) or '?'}.{getattr(fn, '__qualname__', type(fn).__qualname__)}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


# --- messages ---------------------------------------------------------------------------------------


def _too_slow(timeout: float) -> InputError:
    return InputError(
        f"reading the files took longer than {_duration(timeout)}, so it was stopped",
        advice=_MAKE_SMALLER,
    )


def _too_much_memory(memory_bytes: int | None) -> InputError:
    limit = f" (more than {_size(memory_bytes)})" if memory_bytes else ""
    return InputError(
        f"reading the files needed more memory{limit} than this service allows for one upload, so it was stopped",
        advice=_MAKE_SMALLER,
    )


def _crashed() -> InputError:
    return InputError(
        "a file made the spreadsheet reader fail; it may be damaged, or not a spreadsheet saved by Excel",
        advice="Open it in Excel, save it again as Excel Workbook (.xlsx) or as .csv, and upload the new copy.",
    )


def _busy() -> InputError:
    return InputError(
        "the files could not be read just now: the server is too busy to start reading them",
        advice="Nothing is wrong with the files. Try again in a few minutes.",
    )


def _unexpected() -> InputError:
    return InputError(
        "the files could not be read because of an unexpected problem; a file may be damaged or in a form "
        "this service does not recognise",
        advice="Save them again from Excel as Excel Workbook (.xlsx) or .csv and upload the new copies. "
        "If that does not help, tell your administrator: the problem was logged.",
    )


def _duration(seconds: float) -> str:
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"


def _size(octets: int) -> str:
    if octets >= 1024**3:
        return f"{octets / 1024**3:.1f}".removesuffix(".0") + " GB"
    return f"{max(octets / 1024**2, 1):.0f} MB"
