package dev.weft.bench;

import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor: the most trivial custom virtual-thread scheduler, one platform thread draining a
 * concurrent queue. No fairness, no stealing, no accounting; whatever weft costs above this is
 * scheduler overhead.
 */
final class MinimalScheduler implements Executor, AutoCloseable {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean stop;
    private final Thread carrier;

    MinimalScheduler() {
        carrier = Thread.ofPlatform().daemon().name("minimal-carrier").start(this::loop);
    }

    private void loop() {
        while (!stop) {
            Runnable r = queue.poll();
            if (r != null) {
                r.run();
                continue;
            }
            sleeping.set(true);
            if (queue.isEmpty() && !stop) {
                LockSupport.park();
            }
            sleeping.set(false);
        }
    }

    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        if (sleeping.get()) {
            LockSupport.unpark(carrier);
        }
    }

    Thread start(Runnable body) {
        Thread t = VirtualThreads.newThread(this, "", body);
        t.start();
        return t;
    }

    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(carrier);
    }
}
