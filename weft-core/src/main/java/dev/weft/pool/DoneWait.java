package dev.weft.pool;

import dev.weft.proc.ProcessExitException;
import dev.weft.sync.WaitGroup;

/**
 * A {@link ThreadPool#onDone} registration: the body of its waiter goroutine; its state is under
 * the pool's lock.
 */
final class DoneWait implements WaitRegistration, Runnable {
    private final ThreadPool pool;
    private final WaitGroup group;
    private final Runnable callback;
    private volatile boolean ended;

    DoneWait(ThreadPool pool, WaitGroup group, Runnable callback) {
        this.pool = pool;
        this.group = group;
        this.callback = callback;
    }

    @Override
    public void run() {
        try {
            group.await();
        } catch (RuntimeException misuse) { // a group reused while we waited (WaitGroup's message)
            pool.lockUncancellable();
            try {
                endLocked();
            } finally {
                pool.lock.unlock();
            }
            if (misuse instanceof ProcessExitException ending) {
                throw ending; // its process is ending: not a failure of the callback
            }
            pool.report(misuse);
            return;
        }
        Object action = null;
        pool.lockUncancellable();
        try {
            if (!ended) {
                endLocked();
                pool.queue.addLast(callback);
                action = pool.dispatchLocked();
            }
        } finally {
            pool.lock.unlock();
        }
        pool.act(action);
    }

    void endLocked() {
        ended = true;
        pool.callbacks.endedLocked(this);
        pool.toStart.remove(this);
    }

    @Override
    public boolean cancel() {
        pool.lockUncancellable();
        try {
            if (ended) {
                return false;
            }
            endLocked();
            return true;
        } finally {
            pool.lock.unlock();
        }
    }

    @Override
    public boolean isActive() {
        return !ended;
    }

    @Override
    public String toString() {
        return "onDone[" + group + ", " + (ended ? "ended" : "active") + "]";
    }
}
