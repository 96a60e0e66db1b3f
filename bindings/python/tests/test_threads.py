"""Handles under threads and callbacks: calls on one handle run one after the
other, close() waits for a running call and is refused from inside one,
results keep their scenario, and arrays handed out are copies."""
import threading

import numpy as np
import pytest

import hsec

# Long enough for a run, or a copy of a series, to be under way while
# another thread acts; the events below order the threads, the length only
# keeps the window open.
LONG = 200_000
WAIT = 60  # seconds: a bound on waiting for an event, reached only on failure


def generated(steps, services=40):
    """A chain of services over a group, with lags, a threat and a measure
    whose targets are given in reverse (a run sorts them first), an empty
    group and a measure never in force (every run rewrites both warnings)."""
    m = hsec.Model()
    m.add_region("r")
    m.add_group("people", "r", 1000, recovery=0.05)
    m.add_group("nobody", "r", 0)
    for i in range(services):
        m.add_service(f"s{i}", "energy", "r", recovery=0.1)
    for i in range(1, services):
        m.add_link(f"s{i - 1}", f"s{i}", 0.5, lag=i % 3)
        m.add_link(f"s{i}", "people.health", 0.02)
    c = m.compile()
    m.close()
    s = c.scenario()
    c.close()
    names = [f"s{i}" for i in reversed(range(services))]
    s.add_threat("t", {n: 0.5 for n in names}, start=1, duration=steps // 2)
    s.add_measure("late", "protection", "shield", 0.5, targets=names + names, start=steps + 1)
    s.set_option("mode", "dynamic").set_option("steps", steps)
    s.record("people.health")
    s.record("s0")
    return s


def reference(steps):
    """A run of the generated scenario, alone: its q, burden and series."""
    with generated(steps) as s:
        r = s.run()
        return r.q, r.burden(), r.series("s0")


class Thread(threading.Thread):
    """A thread that keeps what its target returned or raised."""

    def __init__(self, target):
        super().__init__(target=self._run, daemon=True)
        self._target_fn = target
        self.result = self.error = None

    def _run(self):
        try:
            self.result = self._target_fn()
        except BaseException as e:  # checked by the test
            self.error = e

    def outcome(self):
        self.join(WAIT)
        assert not self.is_alive(), "the thread did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def test_close_waits_for_a_run_in_another_thread():
    q, burden, series = reference(LONG)
    s = generated(LONG)
    paused, resume, ended = threading.Event(), threading.Event(), threading.Event()

    def progress(done, total):
        if not paused.is_set():
            paused.set()
            assert resume.wait(WAIT)
        if done == total:
            ended.set()

    s.set_progress(progress)
    run = Thread(lambda: s.run())
    run.start()
    assert paused.wait(WAIT)

    def close():
        resume.set()  # the run goes on for most of its steps
        s.close()
        return ended.is_set()

    closer = Thread(close)
    closer.start()
    assert closer.outcome(), "close() returned while the run was under way"
    r = run.outcome()
    np.testing.assert_array_equal(r.q, q)
    assert r.burden() == burden
    # the results keep the closed scenario, for names and the document
    np.testing.assert_array_equal(r.series("s0"), series)
    assert r.node("s0") == 14  # after the seven nodes of each group
    with pytest.raises(hsec.Closed, match="scenario is closed"):
        s.run()
    with pytest.raises(hsec.Closed):
        s.node("s0")
    r.close()  # the last results of a closed scenario free it
    with pytest.raises(hsec.Closed, match="results is closed"):
        r.series("s0")
    s.close()  # twice is harmless


def test_close_from_the_progress_callback_is_refused():
    with generated(2000) as s:
        want = s.run().to_dict()
    s = generated(2000)
    refused = []

    def progress(done, total):
        if done and not refused:
            try:
                s.close()
            except Exception as e:
                refused.append(e)

    s.set_progress(progress)
    r = s.run()
    assert refused, "close() in the progress callback did not refuse"
    assert isinstance(refused[0], hsec.Busy)
    assert "scenario cannot be closed from inside a call on it" in str(refused[0])
    assert r.to_dict() == want  # the run went on, on a scenario that was not freed
    assert s.option("steps") == 2000  # and the scenario is still open

    def uses(done, total):
        s.set_option("steps", 10)

    s.set_progress(uses)
    with pytest.raises(hsec.Canceled) as e:  # an exception in the callback cancels
        s.run()
    assert isinstance(e.value.__cause__, hsec.Busy)
    assert "scenario cannot be used" in str(e.value.__cause__)
    assert s.option("steps") == 2000
    s.close()
    s.close()
    r.close()


def test_results_of_the_run_may_be_closed_in_the_progress_callback():
    s = generated(2000)
    old = s.run()
    q, s0 = old.q, old.node("s0")
    seen = []

    def progress(done, total):
        if not seen:
            seen.append(old.series(s0))  # by index: no need of the scenario
            old.close()
            try:
                old.close()
            except Exception as e:  # twice is harmless
                seen.append(e)

    s.set_progress(progress)
    with s:
        new = s.run()
    assert len(seen) == 1 and len(seen[0]) == 2001
    np.testing.assert_array_equal(new.q, q)
    assert new.to_dict()["nodes"]["s0"]["series"] == list(seen[0])
    new.close()


def test_the_progress_callback_reads_results_another_thread_writes_out():
    """The writer of the document waits for the run before it holds the
    results, so the run's callback can still read them."""
    s = generated(2000)
    r = s.run()
    s0 = r.node("s0")
    want = r.to_dict()
    paused, resume = threading.Event(), threading.Event()
    seen = []

    def progress(done, total):
        if not paused.is_set():
            paused.set()
            assert resume.wait(WAIT)
            seen.append(r.series(s0))

    s.set_progress(progress)
    run = Thread(lambda: s.run())
    run.start()
    assert paused.wait(WAIT)

    def write():
        resume.set()
        return r.to_dict()

    writer = Thread(write)
    writer.start()
    assert writer.outcome() == want
    run.outcome().close()
    assert seen[0].tolist() == want["nodes"]["s0"]["series"]
    r.close()
    s.close()


def test_results_close_racing_series():
    _, _, want = reference(LONG)
    for _ in range(3):
        s = generated(LONG)
        r = s.run()
        s0 = r.node("s0")
        started = threading.Event()

        def read():
            copies = []
            while True:
                try:
                    copies.append(r.series(s0))
                except hsec.Closed:
                    return copies
                started.set()

        reader = Thread(read)
        reader.start()
        assert started.wait(WAIT)
        r.close()
        copies = reader.outcome()
        assert copies
        for copy in copies:  # each whole, and still readable after close
            np.testing.assert_array_equal(copy, want)
        with pytest.raises(hsec.Closed):
            r.series(s0)
        s.close()


def test_many_threads_running_one_scenario():
    with generated(300) as s:
        want = s.run().to_dict()
    threads, runs = 8, 6
    for _ in range(5):
        s = generated(300)  # fresh: its first runs sort its targets
        barrier = threading.Barrier(threads)

        def work():
            barrier.wait(WAIT)
            out = []
            for _ in range(runs):
                r = s.run()
                out.append((r.to_dict(), s.warnings))
                r.close()
            return out

        workers = [Thread(work) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            for doc, warnings in w.outcome():
                assert doc == want
                assert [code for code, _ in warnings] == ["never_in_force", "empty_group"]
        s.close()


def test_errors_of_threads_on_one_scenario_are_their_own():
    s = generated(50)
    barrier = threading.Barrier(8)

    def fail(k):
        def work():
            barrier.wait(WAIT)
            messages = []
            for _ in range(200):
                try:
                    s.set_option("steps", -k)
                except hsec.BadInput as e:
                    messages.append(e.message)
            return messages
        return work

    workers = [Thread(fail(k)) for k in range(1, 9)]
    for w in workers:
        w.start()
    for k, w in enumerate(workers, 1):
        messages = w.outcome()
        assert len(messages) == 200
        assert all(f"-{k}" in m for m in messages), messages[:3]
    s.close()


SERVICES = 2000


def test_a_model_built_from_threads():
    m = hsec.Model()
    m.add_region("r")
    barrier = threading.Barrier(8)

    def add(k):
        def work():
            barrier.wait(WAIT)
            for i in range(SERVICES):
                m.add_service(f"t{k}s{i}", "water", "r", recovery=0.5)
        return work

    workers = [Thread(add(k)) for k in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.outcome()
    c = m.compile()
    assert c.node_count == 8 * SERVICES
    m.close()
    with pytest.raises(hsec.Closed, match="model is closed"):
        m.add_region("x")
    names = c.node_names()
    c.close()
    assert sorted(names) == sorted(f"t{k}s{i}" for k in range(8) for i in range(SERVICES))


def test_arrays_are_copies():
    s = generated(100)
    r = s.run()
    series = r.series("s0")
    rowp, src, w, lag = s.links()
    groups = s.groups()
    threat = s.threat("t")
    for a in (r.q, r.orders, series, rowp, src, w, lag, groups["weight"], threat["nodes"],
              s.operator(5)["weight"], s.onset_rates(), s.rank()):
        assert a.flags.owndata or a.base is not None and a.base.flags.owndata
        assert a.flags.writeable
    r.close()
    s.close()
    q = r.q.copy()
    r.q[:] = 0  # writing them touches nothing of the library's
    assert np.all(np.isfinite(q)) and series[0] == 0 and len(series) == 101
