package dev.weft.pool;

import dev.weft.chan.RecvResult;
import dev.weft.chan.Select;
import dev.weft.proc.ProcessExitException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A {@link ThreadPool}'s manager goroutine: starts the pool's goroutines (workers and onDone
 * waiters queued in {@code toStart}), moves due timer tasks from the delay queue to the work
 * queue, and otherwise waits in one Select over the kick channel, every armed onReceive
 * registration's channel and the next timer. The pool's overview describes the protocol; this
 * class holds no state of the pool's, only its current Select's cases.
 *
 * <p>Invariants, all under the pool's lock: {@code managerSelecting} is set when the manager arms
 * the registrations in {@link #cases} ({@code inSelect}) for its next Select, and is cleared, with
 * {@code selectDone} broadcast, as soon as that Select has returned or the manager ends, so that
 * {@code cancel} and {@code shutdownNow} never wait for a Select that will not end;
 * {@code managerAlive} becomes false only when the manager returns (the pool is shut down and
 * has nothing left to time or start) or dies. Goroutines are started and actions run after the
 * lock is released.
 */
final class Manager implements Runnable {
    private final ThreadPool pool;

    /** The registrations whose inSelect this manager set for its current Select; written under the lock. */
    private final List<ReceiveWait<?>> cases = new ArrayList<>();
    private ReceiveWait<?> fired;
    private RecvResult<?> firedResult;
    /** Bodies taken from {@code toStart} and not started yet: the manager's own, and read under the lock when it unwinds. */
    private final ArrayDeque<Runnable> starting = new ArrayDeque<>();
    /**
     * Test seam ({@link #dieForTest}): thrown at the top of the manager's next round, as an Error
     * escaping its loop would be. Null outside tests.
     */
    private volatile Error dieWith;

    Manager(ThreadPool pool) {
        this.pool = pool;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            // Nothing of ours throws here; an Error, or the goroutine being torn down, would
            // leave a pool that can neither grow, time nor terminate: say so, and shut it down
            // (the workers drain the queue; delayed tasks, which nobody can time any more, are
            // abandoned, and so is the queue if no worker is left to drain it).
            pool.lockUncancellable();
            try {
                pool.managerAlive = false;
                pool.managerSelecting = false;
                for (ReceiveWait<?> r : cases) {
                    r.inSelect = false; // a cancel waiting for this Select must not wait for ever
                }
                // Nobody will start what we were to start: each was counted when it was queued
                // (a worker in workers, maybe in promised), and termination would wait for it
                // for ever. With managerAlive false, dispatchLocked queues no more.
                for (Runnable body : starting) {
                    abandonLocked(body);
                }
                starting.clear();
                for (Runnable body : new ArrayList<>(pool.toStart)) { // a DoneWait's end removes it
                    abandonLocked(body);
                }
                pool.toStart.clear();
            } finally {
                pool.lock.unlock();
            }
            pool.selectDone.broadcast();
            if (t instanceof ProcessExitException) {
                pool.endWithProcess(); // a process's end is not a failure of the pool
                return;
            }
            pool.report(t);
            pool.shutdown();
            int abandoned;
            List<Future<?>> cancelLater = new ArrayList<>();
            pool.lockUncancellable();
            try {
                abandoned = pool.abandonUnrunnableLocked(true, cancelLater);
                pool.cancelling++; // terminated only once they are cancelled
            } finally {
                pool.lock.unlock();
            }
            abandoned += pool.cancelAbandoned(cancelLater); // outside the lock: a future's done() is user code
            pool.lockUncancellable();
            try {
                pool.cancelling--;
                pool.tryTerminateLocked();
            } finally {
                pool.lock.unlock();
            }
            pool.reportAbandoned(abandoned, "the pool's manager died", t);
        }
    }

    private void loop() {
        List<Object> actions = new ArrayList<>();
        for (;;) {
            Error death = dieWith;
            if (death != null) {
                throw death;
            }
            long wait = -1;
            boolean ending;
            pool.lockUncancellable();
            try {
                long now = System.nanoTime();
                ScheduledTask<?> due;
                while ((due = pool.delayed.pollDueLocked(now)) != null) {
                    pool.queue.addLast(due);
                    actions.add(pool.dispatchLocked());
                }
                ending = pool.runState >= ThreadPool.SHUTDOWN && pool.delayed.isEmptyLocked() && pool.toStart.isEmpty();
                if (ending) {
                    pool.managerAlive = false;
                    pool.tryTerminateLocked();
                } else {
                    starting.addAll(pool.toStart);
                    pool.toStart.clear();
                    cases.clear();
                    if (pool.runState == ThreadPool.RUNNING && starting.isEmpty()) { // else it starts them and looks again
                        cases.addAll(pool.callbacks.armedLocked());
                        for (ReceiveWait<?> r : cases) {
                            r.inSelect = true;
                        }
                    }
                    pool.managerSelecting = !cases.isEmpty();
                    wait = pool.delayed.nanosToNextLocked(now);
                }
            } finally {
                pool.lock.unlock();
            }
            // Wake the workers the due tasks were promised to, also on the way out: each was
            // popped off the idle stack, so nobody else will (shutdownNow, waiting for our
            // Select meanwhile, finds them gone from the stack and drains their tasks itself).
            for (Object a : actions) {
                if (a != ThreadPool.KICK) {
                    pool.act(a); // a KICK is for us, and the loop comes round anyway
                }
            }
            actions.clear();
            if (ending) {
                return;
            }
            if (!starting.isEmpty()) {
                Runnable body;
                while ((body = starting.pollFirst()) != null) { // off the list first: run's catch abandons the rest
                    start(body);
                }
                continue; // look again before waiting: a shut-down pool may be done now
            }
            Select select = new Select().recv(pool.kick, v -> {});
            for (ReceiveWait<?> r : cases) {
                r.addCase(select, this);
            }
            if (wait >= 0) {
                select.after(Duration.ofNanos(wait), () -> {});
            }
            select.run();
            Object action = null;
            pool.lockUncancellable();
            try {
                for (ReceiveWait<?> r : cases) {
                    r.inSelect = false;
                }
                pool.managerSelecting = false;
                if (fired != null) {
                    action = fired.receivedLocked(firedResult);
                    fired = null;
                    firedResult = null;
                }
            } finally {
                pool.lock.unlock();
            }
            pool.selectDone.broadcast(); // cancel() and shutdownNow() wait for the Select to end
            pool.act(action);
        }
    }

    /**
     * For tests of the manager's death (ManagerEndTest): the manager throws {@code e} at the top
     * of its next round, which the kick sent here makes come at once.
     */
    void dieForTest(Error e) {
        dieWith = e;
        pool.kick();
    }

    void fired(ReceiveWait<?> r, RecvResult<?> result) {
        fired = r;
        firedResult = result;
    }

    /** Under the lock: {@code body} will never run; undo what queuing it counted. */
    private void abandonLocked(Runnable body) {
        if (body instanceof Worker w) {
            if (w.promisedWork) {
                w.promisedWork = false;
                pool.promised--;
            }
            pool.workers--;
        } else if (body instanceof DoneWait d) {
            d.endLocked();
        }
    }

    private void start(Runnable body) {
        try {
            pool.runtime.go(pool.level, body);
        } catch (RuntimeException | Error e) { // the runtime refuses goroutines (closed, a process's limit), or worse
            int abandoned = 0;
            List<Future<?>> cancelLater = new ArrayList<>();
            pool.lockUncancellable();
            try {
                abandonLocked(body);
                if (pool.runState == ThreadPool.SHUTDOWN && !(e instanceof ProcessExitException)) {
                    // No new work will come to retry with: if no worker is left, the queue
                    // would wait for ever and the pool never terminate.
                    abandoned = pool.abandonUnrunnableLocked(false, cancelLater);
                }
                pool.tryTerminateLocked(); // not yet: managerAlive, until this loop ends
            } finally {
                pool.lock.unlock();
            }
            abandoned += pool.cancelAbandoned(cancelLater);
            if (e instanceof ProcessExitException ending) {
                throw ending; // the manager's process is ending: Manager.run ends the pool
            }
            pool.report(e);
            pool.reportAbandoned(abandoned, "no worker is left and none could be started", e);
        }
    }
}
