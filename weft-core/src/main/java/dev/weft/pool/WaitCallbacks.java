package dev.weft.pool;

import dev.weft.chan.Chan;
import dev.weft.internal.access.Channels;
import dev.weft.internal.sched.Bubble;
import dev.weft.sync.WaitGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link ThreadPool}'s wait callbacks: the registrations of {@code onReceive}
 * ({@link ReceiveWait}) and {@code onDone} ({@link DoneWait}) that are still active, and the
 * onReceive ones that wait for their channel in the manager's Select.
 *
 * <p>Invariants, all under the pool's lock (the methods named {@code ...Locked} are called with
 * it held; the others take it):
 * <ul>
 *   <li>A registration is in {@link #active} from its acceptance until it ends (its channel
 *       closes, its group reaches zero and the callback is queued, it is cancelled, or the pool
 *       shuts down); ending is idempotent and is the only way out.
 *   <li>An onReceive registration is {@linkplain #armedLocked armed} (a receive case of the
 *       manager's next Select) exactly while it is active and no callback of it is queued or
 *       running: the manager disarms it when it takes a value, and the end of its callback
 *       either queues the next value at once or arms it again. So its callbacks run one at a
 *       time, in the channel's order, and one parked goroutine, the manager, waits for every
 *       channel.
 *   <li>An onDone registration is a goroutine body, started by the manager, that waits for the
 *       group ({@link WaitGroup} offers only a blocking wait; this one is abandonable, see
 *       {@link DoneWait}) and queues the callback unless the registration has ended meanwhile;
 *       its end abandons the wait, so the goroutine ends then.
 *   <li>Nothing here runs a callback or parks with the lock held. A value taken from a channel
 *       is queued as work even if the registration has ended meanwhile: its end never drops one
 *       (shutdownNow returns it).
 * </ul>
 */
final class WaitCallbacks {
    private final ThreadPool pool;
    /** onReceive registrations waiting in the manager's Select. */
    private final List<ReceiveWait<?>> armed = new ArrayList<>();
    /** Every registration still active. */
    private final Set<WaitRegistration> active = new LinkedHashSet<>();

    WaitCallbacks(ThreadPool pool) {
        this.pool = pool;
    }

    /**
     * {@link ThreadPool#onReceive}: registers and arms, then kicks the manager to add the case.
     * A synctest bubble's channel is refused first: only a goroutine of its bubble may use it,
     * and a pool's runtime is a {@code Weft}, never a bubble's, so the manager's Select would
     * throw on it and the manager die, shutting the whole pool down.
     */
    <T> WaitRegistration onReceive(Chan<T> chan, Consumer<? super T> callback) {
        if (Bubble.isBubble(Channels.access().runtimeOf(chan))) {
            throw new IllegalArgumentException("weft: thread pool '" + pool.name() + "': onReceive of a synctest"
                    + " bubble's channel: it can be used only inside its bubble, and the pool runs outside it");
        }
        ReceiveWait<T> r = new ReceiveWait<>(pool, chan, callback);
        pool.lockUncancellable();
        try {
            pool.checkAcceptingLocked();
            active.add(r);
            armed.add(r);
        } finally {
            pool.lock.unlock();
        }
        pool.kick();
        return r;
    }

    /** {@link ThreadPool#onDone}: registers, and has the manager start the waiter goroutine. */
    WaitRegistration onDone(WaitGroup group, Runnable callback) {
        DoneWait d = new DoneWait(pool, group, callback);
        pool.lockUncancellable();
        try {
            pool.checkAcceptingLocked();
            active.add(d);
            pool.toStart.add(d);
        } finally {
            pool.lock.unlock();
        }
        pool.kick();
        return d;
    }

    /** The registrations for the manager's next Select. */
    List<ReceiveWait<?>> armedLocked() {
        return armed;
    }

    void armLocked(ReceiveWait<?> r) {
        armed.add(r);
    }

    void disarmLocked(ReceiveWait<?> r) {
        armed.remove(r);
    }

    /** {@code w} has ended: called by its own end, once. */
    void endedLocked(WaitRegistration w) {
        active.remove(w);
    }

    /** At shutdown: ends every registration (a callback already queued still runs). */
    void endAllLocked() {
        for (WaitRegistration w : new ArrayList<>(active)) {
            if (w instanceof ReceiveWait<?> r) {
                r.endLocked();
            } else {
                ((DoneWait) w).endLocked();
            }
        }
    }
}
