"""The client's side of a Dask scheduler: its address checked before anything connects, a
connection that answers within --connect-timeout or fails saying why, a lost scheduler noticed,
and Dask's own log lines kept off the terminal. Light to import: Dask loads only to connect."""

from __future__ import annotations

import logging
from contextlib import contextmanager, suppress

from . import logger
from .errors import BriefError, UsageError

#: Seconds a scheduler has to answer (--connect-timeout), and a lost one to come back.
CONNECT_SECONDS = 10.0
WORKERS_SECONDS = 30  # how long to wait for a first worker to join the scheduler

_WANTED = "give the address `dask scheduler` prints, such as tcp://192.0.2.7:8786"
_START = "start one with `dask scheduler` and give the address it prints (tcp://HOST:8786)"


class SchedulerLost(BriefError):
    """The scheduler went away mid-batch; the briefs built so far are written and recorded."""

    exit_code = 3  # the README's "rendering or writing failed": the build machinery, not a brief


def raise_if_lost(scheduler: str, outcomes, report=None) -> None:
    """After a batch (and its report): if the scheduler went away, one line saying what was built
    and that a re-run builds the rest (the built briefs are up to date by then, and skipped)."""
    counts = {status: sum(outcome.status == status for outcome in outcomes)
              for status in ("built", "skipped", "failed", "not built")}
    if not counts["not built"]:
        return
    done = "".join(f", {counts[status]} {said}" for status, said in
                   (("skipped", "up to date"), ("failed", "failed")) if counts[status])
    where = f" (each listed in {report})" if report else ""
    raise SchedulerLost(f"the Dask scheduler at {scheduler} went away: {counts['built']} of {len(outcomes)} "
                        f"briefs built{done}, {counts['not built']} not built{where}; run the same command "
                        "again to build the rest (what was built is skipped)")


class Scheduler(str):
    """A checked scheduler address and how long to wait for it. A str, so that batch and publish
    pass it along as the address they take."""

    connect_timeout: float = CONNECT_SECONDS

    @classmethod
    def parse(cls, text: str, connect_timeout: float = CONNECT_SECONDS) -> Scheduler:
        """tcp://HOST:PORT, tls://HOST:PORT or HOST:PORT (tcp); else a UsageError saying what is
        wrong, at once: Dask would try such an address until its timeout, then stall at exit."""
        from urllib.parse import urlsplit

        if not text.strip():
            raise UsageError(f"--scheduler is empty; {_WANTED}")
        try:
            parts = urlsplit(text.strip() if "://" in text else f"tcp://{text.strip()}")
            host, port = parts.hostname, parts.port
        except ValueError as error:  # a port that is no number or out of range, an unclosed [
            raise UsageError(f"--scheduler {text}: not an address ({error}); {_WANTED}") from None
        if parts.scheme in ("http", "https"):
            raise UsageError(f"--scheduler {text}: a web address (the dashboard's?), but the scheduler "
                             f"speaks tcp://, on port 8786 unless told otherwise; {_WANTED}")
        if parts.scheme not in ("tcp", "tls"):
            raise UsageError(f"--scheduler {text}: briefkit connects over tcp:// or tls://, not "
                             f"{parts.scheme}://; {_WANTED}")
        if not host or port is None or parts.path.strip("/") or parts.query or parts.fragment:
            missing = "no host" if not host else "no port" if port is None else "more than HOST:PORT"
            raise UsageError(f"--scheduler {text}: {missing}; {_WANTED}")
        address = cls(f"{parts.scheme}://{f'[{host}]' if ':' in host else host}:{port}")
        address.connect_timeout = connect_timeout
        return address


def connect(scheduler: Scheduler):
    """A client of the scheduler, or a UsageError within the connect timeout. Dask's own
    handshake waits forever on a socket that accepts and never answers, so a probe asks the
    address what it is under one deadline first."""
    import asyncio

    from distributed.comm import CommClosedError

    seconds = scheduler.connect_timeout
    try:
        kind = asyncio.run(_identity(scheduler, seconds))
    except TimeoutError:
        raise UsageError(f"--scheduler {scheduler}: something accepted the connection but gave no Dask "
                         f"answer in {seconds:g} s (not a Dask scheduler, or one too busy to answer); "
                         f"{_START}, or give a longer --connect-timeout") from None
    except CommClosedError as error:  # it took the connection, then hung up on Dask's handshake
        raise UsageError(f"--scheduler {scheduler}: something there hung up without a Dask answer "
                         f"({_reason(error)}); {_START}") from None
    except OSError as error:  # refused, unreachable, unknown host: Dask retried until the timeout
        raise UsageError(f"--scheduler {scheduler}: no Dask scheduler answered ({_reason(error)}); "
                         f"{_START}") from None
    except Exception:  # a web server's reply read as Dask frames: any error, MemoryError too
        raise UsageError(f"--scheduler {scheduler}: something there answered, but not as Dask does (a web "
                         f"server?); {_START}") from None
    if kind != "Scheduler":
        raise UsageError(f"--scheduler {scheduler}: that is a Dask {kind or 'server'}, not the scheduler; "
                         f"{_START}")
    from distributed import Client

    class TimedClient(Client):
        """Dask's client, its handshake held to the connect timeout too."""

        def start(self, **kwargs):
            try:
                super().start(callback_timeout=seconds, **kwargs)
            except BaseException:
                close(self)
                raise

    try:
        return TimedClient(str(scheduler), timeout=seconds, set_as_default=False)
    except (OSError, TimeoutError) as error:  # gone, or hung, since it answered the probe
        raise UsageError(f"--scheduler {scheduler}: the scheduler stopped answering ({_reason(error)}); "
                         f"{_START}") from None


async def _identity(scheduler: Scheduler, seconds: float) -> str | None:
    """The kind of Dask server at the address ("Scheduler", "Worker"), handshake included."""
    from distributed.comm import connect as open_comm
    from distributed.security import Security

    async def ask():
        comm = await open_comm(str(scheduler), timeout=seconds, **Security().get_connection_args("client"))
        try:
            await comm.write({"op": "identity", "reply": True})
            answer = await comm.read()
        finally:
            comm.abort()
        return answer.get("type") if isinstance(answer, dict) else None

    # A little past Dask's own connect timeout, so that a host that never takes the connection
    # is reported as such (OSError), not as one that took it and said nothing.
    import asyncio

    return await asyncio.wait_for(ask(), seconds + 0.5)


def workers(client, scheduler: Scheduler) -> int:
    """Worker threads on the cluster, after waiting for a first worker to join."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except TimeoutError:
        if gone(client):
            raise SchedulerLost(str(scheduler)) from None
        raise UsageError(f"--scheduler {scheduler}: no worker joined in {WORKERS_SECONDS} s; start some with "
                         f"`dask worker {scheduler} --nthreads 1 --nworkers N`") from None
    return sum(client.nthreads().values())


def gone(client, future=None) -> bool:
    """Whether the scheduler is lost: the client leaves its running state, and Dask cancels
    every future (briefkit never cancels one)."""
    return client.status != "running" or (future is not None and future.cancelled())


def close(client) -> None:
    """Close a client without waiting on a scheduler that is gone: Dask would wait twice the
    connect timeout, and a client left half open waits again when it is collected, at exit."""
    with suppress(Exception):
        client.close(timeout=1)
    client.status = "closed"
    with suppress(Exception):
        client._loop_runner.stop()


@contextmanager
def quiet():
    """Dask's loggers (and the event loop's) silenced while briefkit talks to the cluster: what
    they would say (a lost connection, a retried worker) comes out as briefkit's own messages.
    -vv lets them speak."""
    if logger.isEnabledFor(logging.DEBUG):
        yield
        return
    roots = ("distributed", "tornado", "asyncio")
    names = [name for name in list(logging.root.manager.loggerDict) if name.split(".")[0] in roots]
    saved = {name: logging.getLogger(name).level for name in [*roots, *names]}
    for name in saved:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _reason(error: BaseException) -> str:
    return str(error).strip() or type(error).__name__
