package dev.weft.bench;

import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor: the most trivial custom virtual-thread scheduler, one platform thread draining a
 * concurrent queue. No fairness, no stealing, no accounting; whatever weft costs above this is
 * scheduler overhead. As a {@link ThreadFactory} it makes virtual threads scheduled by itself,
 * so the catalogue's {@code JdkEngine} runs the workloads on it with the JDK's primitives.
 */
final class MinimalScheduler implements Executor, ThreadFactory, AutoCloseable {
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

    @Override
    public Thread newThread(Runnable body) {
        return VirtualThreads.newThread(this, "", body);
    }

    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(carrier);
    }
}
