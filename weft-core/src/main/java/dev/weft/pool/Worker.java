package dev.weft.pool;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.proc.ProcessExitException;
import java.time.Duration;

/**
 * A worker goroutine of a {@link ThreadPool}: it takes tasks from the pool's queue and runs them,
 * and waits on its own wake channel when there are none, on the pool's idle stack. A waker pops
 * it from that stack under the pool's lock and sends one token (see {@code dispatchLocked}), so a
 * worker is chosen at most once per wait. A worker beyond {@code minWorkers} waits for
 * {@code keepAlive} at most, and ends if nobody chose it meanwhile. It holds the pool's lock
 * except while it runs a task or waits; {@link #current} (under that lock) is what
 * {@code shutdownNow} interrupts.
 */
final class Worker implements Runnable {
    private final ThreadPool pool;
    /** Made by the worker's own goroutine; a waker sends one token after popping it. */
    Chan<Object> wake;
    Thread thread;
    /** Under the pool's lock: the task it runs, for shutdownNow's interrupt. */
    Runnable current;
    /** Under the pool's lock: counted in the pool's {@code promised}. */
    boolean promisedWork;
    private boolean woken;

    Worker(ThreadPool pool) {
        this.pool = pool;
    }

    @Override
    public void run() {
        wake = Chan.make(1);
        thread = Thread.currentThread();
        Select timedWait = new Select().recv(wake, v -> woken = true)
                .after(Duration.ofNanos(pool.keepAliveNanos), () -> woken = false);
        boolean processEnding = false;
        pool.lockUncancellable();
        try {
            pool.started.add(this);
            loop(timedWait);
        } catch (ProcessExitException e) {
            processEnding = true;
            throw e;
        } finally {
            exitLocked();
            pool.lock.unlock();
            if (processEnding) {
                pool.endWithProcess();
            }
        }
    }

    /** Called and returns with the pool's lock held. */
    private void loop(Select timedWait) {
        for (;;) {
            if (promisedWork) {
                promisedWork = false;
                pool.promised--;
            }
            // A worker whose process is ending takes no more work (a task would start only to
            // unwind at its first wait): it unwinds here, and endWithProcess cancels the rest.
            ProcessSupport.checkCancelled();
            Runnable task = pool.runState < ThreadPool.STOP ? pool.queue.pollFirst() : null;
            if (task != null) {
                current = task;
                pool.active++;
                pool.lock.unlock();
                boolean threw = true;
                try {
                    threw = pool.runTask(task);
                } finally {
                    pool.lockUncancellable();
                    current = null;
                    pool.active--;
                    pool.completed++;
                    if (threw) {
                        pool.failed++;
                    }
                }
                continue;
            }
            if (pool.runState >= ThreadPool.SHUTDOWN) {
                return; // stopping, or shut down with nothing left to run
            }
            boolean timed = pool.workers > pool.minWorkers;
            pool.idle.addFirst(this);
            pool.lock.unlock();
            boolean wokenUp;
            try {
                if (timed) {
                    timedWait.run();
                    wokenUp = woken;
                } else {
                    wake.recv();
                    wokenUp = true;
                }
            } finally {
                pool.lockUncancellable();
            }
            // Still on the idle stack: nobody chose it. Either the wait timed out, or it returned
            // on a stale token (one sent to it after an earlier timeout raced with a waker).
            boolean chosen = !pool.idle.remove(this);
            if (!chosen && !wokenUp && pool.workers > pool.minWorkers) {
                return; // kept alive long enough with nothing to do
            }
            // Chosen (its waker promised it to the queue, even if the wait timed out first and
            // the token comes later), a stale token, or kept for minWorkers: look again.
        }
    }

    private void exitLocked() {
        pool.idle.remove(this);
        pool.started.remove(this);
        if (promisedWork) {
            promisedWork = false;
            pool.promised--;
        }
        pool.workers--;
        pool.tryTerminateLocked();
    }
}
