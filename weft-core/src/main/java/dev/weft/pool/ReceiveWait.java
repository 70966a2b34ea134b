package dev.weft.pool;

import dev.weft.chan.Chan;
import dev.weft.chan.RecvResult;
import dev.weft.chan.Select;
import dev.weft.internal.sched.ProcessSupport;
import java.util.function.Consumer;

/**
 * A {@link ThreadPool#onReceive} registration. States, under the pool's lock: ARMED (a case of the
 * manager's Select), DELIVERING (a callback queued or running; its end takes the next value or
 * re-arms), ENDED.
 */
final class ReceiveWait<T> implements WaitRegistration {
    private final ThreadPool pool;
    private static final int ARMED = 0;
    private static final int DELIVERING = 1;
    private static final int ENDED = 2;

    private final Chan<T> chan;
    private final Consumer<? super T> callback;
    private volatile int state = ARMED;
    /** Under lock: a case of the Select the manager is in (or about to run). */
    boolean inSelect;
    /** Non-blocking receive, run only under the pool's lock. */
    private final Select poll;
    private RecvResult<T> polled;

    ReceiveWait(ThreadPool pool, Chan<T> chan, Consumer<? super T> callback) {
        this.pool = pool;
        this.chan = chan;
        this.callback = callback;
        this.poll = new Select().recvOk(chan, r -> polled = r).orElse(() -> polled = null);
    }

    void addCase(Select select, Manager m) {
        select.recvOk(chan, r -> m.fired(this, r));
    }

    /** Under lock: the manager took {@code result} from the channel; returns the action for after the lock. */
    @SuppressWarnings("unchecked")
    Object receivedLocked(RecvResult<?> result) {
        pool.callbacks.disarmLocked(this);
        if (!result.ok()) {
            endLocked();
            return null;
        }
        if (state == ARMED) {
            state = DELIVERING;
        }
        // Cancelled, shut down or stopping since the Select took it: queue it all the same,
        // so a value taken from the channel is not lost (shutdownNow waits for this and
        // returns it); the delivery's end finds ENDED.
        pool.queue.addLast(new Delivery((T) result.value()));
        return pool.dispatchLocked();
    }

    /** After a callback: queue the next value if one is ready, else go back to the manager. */
    private void next() {
        Object action = null;
        pool.lockUncancellable();
        try {
            if (state == ENDED) {
                return;
            }
            if (pool.runState != ThreadPool.RUNNING) {
                endLocked();
                return;
            }
            // Under the lock, so that it is ordered with cancel. It cannot park (orElse) and
            // takes only the channel's spin lock, which nobody holds while waiting for ours; its
            // safe point may yield (the lock's holder stays runnable) or throw a process's exit,
            // whose unwinding worker stops the pool and so ends this registration.
            poll.run();
            RecvResult<T> r = polled;
            polled = null;
            if (r == null) {
                state = ARMED;
                pool.callbacks.armLocked(this);
                action = ThreadPool.KICK;
            } else if (!r.ok()) {
                endLocked();
            } else {
                pool.queue.addLast(new Delivery(r.value()));
                action = pool.dispatchLocked();
            }
        } finally {
            pool.lock.unlock();
        }
        pool.act(action);
    }

    void endLocked() {
        if (state == ARMED) {
            pool.callbacks.disarmLocked(this);
        }
        state = ENDED;
        pool.callbacks.endedLocked(this);
    }

    /**
     * Ends the registration and, if the manager's Select has a case on the channel, kicks it
     * and waits until that Select has returned, so nothing is received for this registration
     * after cancel returns (a value the Select took before is still delivered).
     */
    @Override
    public boolean cancel() {
        pool.lockUncancellable();
        try {
            if (state == ENDED) {
                return false;
            }
            endLocked();
            if (inSelect) {
                pool.kick();
                // Bounded (the manager was kicked), and not cancellable: a caller whose process
                // is ending must still find the registration ended when cancel returns.
                ProcessSupport.mask();
                try {
                    while (inSelect) {
                        pool.selectDone.await();
                    }
                } finally {
                    ProcessSupport.unmask();
                }
            }
            return true;
        } finally {
            pool.lock.unlock();
        }
    }

    @Override
    public boolean isActive() {
        return state != ENDED;
    }

    @Override
    public String toString() {
        return "onReceive[" + chan + ", " + (isActive() ? "active" : "ended") + "]";
    }

    /** One callback for one value; its end moves the registration on, even if it throws. */
    private final class Delivery implements Runnable {
        private final T value;

        Delivery(T value) {
            this.value = value;
        }

        @Override
        public void run() {
            try {
                callback.accept(value);
            } finally {
                next();
            }
        }
    }
}
