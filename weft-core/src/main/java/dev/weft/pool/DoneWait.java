package dev.weft.pool;

import dev.weft.internal.access.WaitGroups;
import dev.weft.proc.ProcessExitException;
import dev.weft.sync.WaitGroup;

/**
 * A {@link ThreadPool#onDone} registration: the body of its waiter goroutine; its state is under
 * the pool's lock. The goroutine's wait on the group is abandonable ({@link WaitGroups}): the
 * registration's end (cancel, the pool's shutdown, a manager that will never start it) abandons
 * it, so the goroutine ends at once instead of waiting for a group that may never reach zero.
 */
final class DoneWait implements WaitRegistration, Runnable {
    /** Read when the first registration is made, of a group: WaitGroup has installed it. */
    private static final WaitGroups.Access GROUPS = WaitGroups.access();

    private final ThreadPool pool;
    private final WaitGroup group;
    private final Runnable callback;
    /** The goroutine's abandonable wait on {@link #group}. */
    private final Object wait = GROUPS.newWait();
    private volatile boolean ended;

    DoneWait(ThreadPool pool, WaitGroup group, Runnable callback) {
        this.pool = pool;
        this.group = group;
        this.callback = callback;
    }

    @Override
    public void run() {
        try {
            if (!GROUPS.await(group, wait)) {
                return; // abandoned: the registration has ended
            }
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
        GROUPS.abandon(group, wait); // a few field writes and a wake-up: it never parks
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
