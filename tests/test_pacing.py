"""State sent to the views at most UPDATES_PER_SECOND times a second (tokenheat._widget_pacing):
a burst of changes arrives as a few messages ending in the last state, custom messages keep
their order after the state, and a change after a quiet moment goes at once."""

from __future__ import annotations

import itertools
import sys
import threading
import time

import comm
import ipykernel.comm.comm
import ipykernel.kernelbase
import numpy as np
import pytest

from tokenheat import Heatmap
from tokenheat._widget_pacing import UPDATES_PER_SECOND

INTERVAL = 1.0 / UPDATES_PER_SECOND


@pytest.fixture(scope="module", autouse=True)
def kernel_class():
    """ipykernel's IPythonKernel, imported without its import's side effect on the
    process: it makes every comm made later a kernel's (other tests' widgets too)."""
    saved = comm.create_comm, comm.get_comm_manager
    import ipykernel.ipkernel

    comm.create_comm, comm.get_comm_manager = saved
    return ipykernel.ipkernel.IPythonKernel


class KernelComm(ipykernel.comm.comm.BaseComm):
    """ipykernel's comm as a kernel has it, recording the messages it would publish."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, dict, list]] = []
        super().__init__(target_name="jupyter.widget", primary=False)
        # a Jupyter kernel's (its methods are not used: publish_msg is the comm's own)
        kernel_class = sys.modules["ipykernel.ipkernel"].IPythonKernel
        self.kernel = kernel_class.__new__(kernel_class)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **_) -> None:
        if msg_type == "comm_msg":
            self.sent.append((time.monotonic(), data, list(buffers or [])))


def connected(w: Heatmap) -> KernelComm:
    comm = KernelComm()
    w.comm = comm
    time.sleep(2 * INTERVAL)  # (a quiet moment before the test's changes)
    return comm


def updates(comm: KernelComm) -> list[dict]:
    return [data for _, data, _ in comm.sent if data["method"] == "update"]


def settle() -> None:
    time.sleep(10 * INTERVAL)


def test_a_burst_of_changes_is_a_few_messages_ending_in_the_last_state() -> None:
    w = Heatmap(np.zeros((6, 4)), vmin=-1, vmax=1)
    comm = connected(w)
    start = time.monotonic()
    for i in range(2000):
        w.vmax = 1 + i / 2000
        w.vmin = -0.5 - i / 4000
    final = np.linspace(-2, 2, 24).reshape(6, 4)
    w.update(values=final, vmin=-1.5, vmax=1.25)
    took = time.monotonic() - start
    settle()
    sent = updates(comm)
    # 4001 changes; at most one message an interval (and the one after the loop)
    assert 1 <= len(sent) <= took * UPDATES_PER_SECOND + 2, (len(sent), took)
    times = [t for t, data, _ in comm.sent if data["method"] == "update"]
    assert all(b - a >= INTERVAL * 0.9 for a, b in itertools.pairwise(times))
    # each trait's newest value is in the last message that carries it
    last: dict = {}
    buffers: dict = {}
    for _, data, bufs in comm.sent:
        last.update(data["state"])
        for path, buf in zip(data["buffer_paths"], bufs, strict=True):
            buffers[path[0]] = bytes(buf)
    assert (last["vmin"], last["vmax"]) == (-1.5, 1.25)
    assert last["color_range"] == (-1.5, 1.25)
    np.testing.assert_array_equal(
        np.frombuffer(buffers["_values"], np.float32), final.astype(np.float32).ravel()
    )
    assert last["_data_range"] == [-2.0, 2.0]


def test_a_change_after_a_quiet_moment_goes_at_once() -> None:
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    comm = connected(w)
    w.vmin = -0.5
    assert [data["state"]["vmin"] for data in updates(comm)] == [-0.5]
    w.vmax = 0.5  # within the interval: waits for its end
    assert len(updates(comm)) == 1
    settle()
    assert [data["state"].get("vmax") for data in updates(comm)] == [None, 0.5]


def test_custom_messages_follow_the_state_that_waits() -> None:
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    comm = connected(w)
    w.vmin = -0.9
    w.vmin = -0.8  # waits
    w.send({"type": "first"})
    w.vmin = -0.7  # waits again: the last message was just now
    w.send({"type": "second"})
    kinds = [
        data["content"]["type"] if data["method"] == "custom" else data["state"]["vmin"]
        for _, data, _ in comm.sent
    ]
    assert kinds == [-0.9, -0.8, "first", -0.7, "second"]
    settle()
    assert len(comm.sent) == 5  # nothing was left to send


def test_an_update_sent_directly_follows_the_state_that_waits() -> None:
    """An update message sent with ``_send`` (as tests/browser/test_tampered_state.py
    injects state past Python's checks) comes after the state changed before it."""
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    comm = connected(w)
    w.title = "first"
    w.title = "second"  # waits
    w._send({"method": "update", "state": {"title": "injected"}, "buffer_paths": []})
    assert [data["state"]["title"] for data in updates(comm)] == ["first", "second", "injected"]
    settle()
    assert len(updates(comm)) == 3


def test_a_timer_send_waits_for_a_change_on_another_thread() -> None:
    """A send from the timer reads the widget only between whole changes: here a change
    whose observer takes a while, made on another thread while the timer is due."""
    w = Heatmap(np.zeros((3, 3)), vmin=-1, vmax=1)
    comm = connected(w)
    w.vmin = -0.5
    w.vmax = 0.5  # waits for the timer
    entered = threading.Event()

    def slow(_change) -> None:
        entered.set()
        time.sleep(5 * INTERVAL)  # the timer comes due meanwhile

    w.observe(slow, names="title")
    other = threading.Thread(target=lambda: setattr(w, "title", "new"))
    other.start()
    entered.wait(5)
    due = time.monotonic()
    other.join()
    settle()
    sent = [(t, data["state"]) for t, data, _ in comm.sent if data["method"] == "update"]
    waited = [(t, state) for t, state in sent if "vmax" in state]
    assert len(waited) == 1 and waited[0][1]["vmax"] == 0.5
    assert waited[0][0] >= due + 4 * INTERVAL  # sent after the change, not in it
    assert any(state.get("title") == "new" for _, state in sent)


def test_another_hosts_kernel_is_not_paced() -> None:
    """Panel's and Solara's kernels are ipykernel Kernels of their own, which send through
    their current thread's document or session: a change goes as it is made."""
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    comm = KernelComm()
    comm.kernel = ipykernel.kernelbase.Kernel.__new__(ipykernel.kernelbase.Kernel)
    w.comm = comm
    for i in range(50):
        w.vmin = -0.5 - i / 100
    assert [data["state"]["vmin"] for data in updates(comm)] == [-0.5 - i / 100 for i in range(50)]
    assert w._pace_timer is None and not w._pace_waiting


def test_without_a_kernel_nothing_waits() -> None:
    """Outside a kernel (here: ipywidgets' stand-in comm) a change is sent as it is made."""
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    sent: list[set[str]] = []
    for i in range(50):
        w.vmin = -0.5 - i / 100
    assert w._pace_timer is None and not w._pace_waiting  # nothing waits, no timer
    w.send_state = lambda key=None: sent.append(set(key or ()))  # type: ignore[method-assign]
    w.vmax = 0.9
    assert sent and "vmax" in sent[-1]


def test_the_waiting_state_is_sent_when_a_cell_ends(monkeypatch) -> None:
    """nbclient (nbconvert --execute) keeps what a cell sends before the kernel is idle:
    IPython's post_run_cell sends what waits then, not a timer after it."""
    import IPython
    from IPython.core.events import EventManager, available_events

    class Shell:
        def __init__(self) -> None:
            self.events = EventManager(self, available_events)

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)
    comm = connected(w)
    w.vmin = -0.9
    w.vmin = -0.8  # waits for the interval
    w.vmin = -0.7
    assert [data["state"]["vmin"] for data in updates(comm)] == [-0.9]
    shell.events.trigger("post_run_cell", None)  # the cell ends, at once
    assert [data["state"]["vmin"] for data in updates(comm)] == [-0.9, -0.7]
    settle()
    assert len(updates(comm)) == 2


def test_nbconvert_execute_keeps_the_last_state_of_a_cell() -> None:
    """Run as ``nbconvert --execute`` does (nbclient, a real kernel): changes made within
    one interval at a cell's end are in the widget state it saves."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import numpy as np\nfrom tokenheat import Heatmap\n"
                "w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1)\nw"
            ),
            nbformat.v4.new_code_cell("w.vmin = -0.9\nw.vmin = -0.5\nw.vmax = 0.25"),
        ]
    )
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    saved = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model = saved[
        nb.cells[0].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    ]
    assert (model["state"]["vmin"], model["state"]["vmax"]) == (-0.5, 0.25)
