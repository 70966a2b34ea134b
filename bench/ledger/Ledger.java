import dev.weft.*;
import dev.weft.chan.Chan;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The workloads of the per-path CPU ledger (docs/BENCHMARKS.md): each runs on one weft runtime
 * (or on the JDK's virtual threads, the names starting with "v") and returns nanoseconds per
 * operation; "cpu-NAME" returns the CPU time the carriers and the caller spent per operation
 * instead of the elapsed time, a figure that another process on the machine barely moves.
 * Loaded by {@code Compare} once per build of weft-core, each in its own class loader.
 */
public class Ledger {
    static final int ROUNDS = 200_000;
    static Weft rt;
    public static void init(int procs) { rt = Weft.builder().procs(procs).policy(Boolean.getBoolean("prio") ? SchedulingPolicy.PRIORITY : SchedulingPolicy.FIFO).starvationBoost(!Boolean.getBoolean("noboost")).name("rt" + System.identityHashCode(Ledger.class)).build(); }
    public static void close() { rt.close(); }
    static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    public static long run(String what) {
        if (what.startsWith("cpu-")) {
            String w = what.substring(4);
            dev.weft.trace.TraceRecording rec = startTrace(w);
            long c0 = carrierCpu();
            long ops = untraced(w);  // returns per-op wall ns
            long c1 = carrierCpu();
            stopTrace(rec);
            return (c1 - c0) / opsOf(w);
        }
        dev.weft.trace.TraceRecording rec = startTrace(what);
        long perOp = untraced(what);
        stopTrace(rec);
        return perOp;
    }
    /**
     * "tNAME": NAME with an execution trace recording (started, and its carriers' buffers made,
     * before the measurement; written after it). Run with -Dweft.trace.buffer large enough that
     * nothing is dropped: a drop fails the run rather than measure it.
     */
    static dev.weft.trace.TraceRecording startTrace(String what) {
        if (!what.startsWith("t")) {
            return null;
        }
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("ledger", ".trace.json");
            dev.weft.trace.TraceRecording rec = rt.startTrace(file);
            untraced("warm");
            return rec;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    static void stopTrace(dev.weft.trace.TraceRecording rec) {
        if (rec == null) {
            return;
        }
        try {
            rec.stop();
            java.nio.file.Files.deleteIfExists(rec.file());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (rec.droppedEvents() > 0) {
            throw new IllegalStateException(rec.droppedEvents() + " trace events dropped: raise -Dweft.trace.buffer");
        }
    }
    static long untraced(String what) {
        if (what.startsWith("t")) {
            what = what.substring(1);
        }
        return switch (what) {
            case "warm" -> warm();
            case "chan" -> chan();
            case "ochan" -> ochan();
            case "lchan" -> lchan();
            case "bare2" -> bare2();
            case "bare" -> bare();
            case "spawn" -> spawn();
            case "buf" -> buf();
            case "skynet" -> skynet(false);
            case "vskynet" -> skynet(true);
            case "vbare" -> vbare();
            case "pspawn" -> pspawn(false);
            case "vpspawn" -> pspawn(true);
            case "vsq" -> vsq();
            case "yield2" -> yields(2, false);
            case "yield1000" -> yields(1000, false);
            case "vyield2" -> yields(2, true);
            case "vyield1000" -> yields(1000, true);
            case "dist" -> dist();
            case "vspawn" -> vspawn();
            case "alloc" -> alloc(false);
            case "valloc" -> alloc(true);
            case "wake" -> wake();
            case "fork" -> fork(false);
            case "vfork" -> fork(true);
            default -> throw new IllegalArgumentException(what);
        };
    }
    /** A few thousand switches on every P, so that each carrier has made its trace buffer. */
    static long warm() {
        rt.run(() -> {
            Chan<Integer> a = Chan.make();
            Goroutine[] gs = new Goroutine[64];
            for (int i = 0; i < gs.length; i++) gs[i] = Go.go(() -> { for (int k = 0; k < 100; k++) a.send(k); });
            for (int i = 0; i < gs.length * 100; i++) a.recv();
            for (Goroutine g : gs) g.join();
        });
        return 0;
    }
    static long bare() {
        long[] out = new long[1];
        rt.run(() -> {
            AtomicInteger turn = new AtomicInteger();
            Thread ping = Thread.currentThread();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    while (turn.get() != 1) LockSupport.park();
                    turn.set(0);
                    LockSupport.unpark(ping);
                }
            });
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                turn.set(1);
                LockSupport.unpark(pong.thread());
                while (turn.get() != 0) LockSupport.park();
            }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    /**
     * bare with the hand-off and the wait each in a method of their own, as a channel's are: the
     * park then sits one compiled frame deeper (frozen and thawed at every switch, its return
     * mispredicted after the thaw). Run with those two methods kept out of line:
     * -XX:CompileCommand=dontinline,Ledger::giveTurn -XX:CompileCommand=dontinline,Ledger::awaitTurn
     */
    static long bare2() {
        long[] out = new long[1];
        rt.run(() -> {
            AtomicInteger turn = new AtomicInteger();
            Thread ping = Thread.currentThread();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    awaitTurn(turn, 1);
                    giveTurn(turn, 0, ping);
                }
            });
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                giveTurn(turn, 1, pong.thread());
                awaitTurn(turn, 0);
            }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    static void giveTurn(AtomicInteger turn, int v, Thread to) { turn.set(v); LockSupport.unpark(to); }
    static void awaitTurn(AtomicInteger turn, int v) { while (turn.get() != v) LockSupport.park(); }

    /**
     * The floor of a channel with a lock: one CAS spin lock, FIFO lists of waiters, a completion
     * flag, park/unpark; no select, close, safe point, wait labels or failure handling. The
     * ping-pong of chan over two of these.
     */
    static final class LockChan {
        static final java.lang.invoke.VarHandle LOCK, DONE;
        static {
            try {
                LOCK = java.lang.invoke.MethodHandles.lookup().findVarHandle(LockChan.class, "lock", int.class);
                DONE = java.lang.invoke.MethodHandles.lookup().findVarHandle(W.class, "done", boolean.class);
            } catch (ReflectiveOperationException e) { throw new ExceptionInInitializerError(e); }
        }
        static final class W { final Thread t = Thread.currentThread(); Object elem; volatile boolean done; W next; }
        volatile int lock;
        W sendq, recvq;
        void lock() { while (!LOCK.compareAndSet(this, 0, 1)) Thread.onSpinWait(); }
        void unlock() { LOCK.setRelease(this, 0); }
        static W append(W q, W w) { if (q == null) return w; W t = q; while (t.next != null) t = t.next; t.next = w; return q; }
        void send(Object v, W w) {
            lock();
            W r = recvq;
            if (r != null) {
                recvq = r.next; r.next = null; r.elem = v; DONE.setRelease(r, true);
                unlock();
                LockSupport.unpark(r.t);
                return;
            }
            w.elem = v; DONE.set(w, false); w.next = null;
            sendq = append(sendq, w);
            unlock();
            while (!w.done) LockSupport.park(this);
        }
        Object recv(W w) {
            lock();
            W s = sendq;
            if (s != null) {
                sendq = s.next; s.next = null; Object v = s.elem; s.elem = null; DONE.setRelease(s, true);
                unlock();
                LockSupport.unpark(s.t);
                return v;
            }
            w.elem = null; DONE.set(w, false); w.next = null;
            recvq = append(recvq, w);
            unlock();
            while (!w.done) LockSupport.park(this);
            Object v = w.elem; w.elem = null;
            return v;
        }
    }
    static long lchan() {
        long[] out = new long[1];
        rt.run(() -> {
            LockChan a = new LockChan(), b = new LockChan();
            Goroutine pong = Go.go(() -> {
                LockChan.W w = new LockChan.W();
                for (int i = 0; i < ROUNDS; i++) { b.send(a.recv(w), w); }
            });
            LockChan.W w = new LockChan.W();
            Object v = 1;
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) { a.send(v, w); v = b.recv(w); }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    /**
     * chan with its channels, waiters and goroutines promoted to the old generation (a full
     * collection after a warm-up) before the measurement, as in a long-running program: G1's
     * write barrier then fences each cross-region store of a reference into them.
     */
    static long ochan() {
        long[] out = new long[1];
        rt.run(() -> {
            Chan<Integer> a = Chan.make(), b = Chan.make();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < ROUNDS + 1000; i++) { b.send(a.recv()); }
            });
            Integer v = 1;
            for (int i = 0; i < 1000; i++) { a.send(v); v = b.recv(); }
            System.gc();
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) { a.send(v); v = b.recv(); }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    static long chan() {
        long[] out = new long[1];
        rt.run(() -> {
            Chan<Integer> a = Chan.make(), b = Chan.make();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < ROUNDS; i++) { b.send(a.recv()); }
            });
            Integer v = 1;
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) { a.send(v); v = b.recv(); }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    static final java.lang.management.ThreadMXBean TMX = java.lang.management.ManagementFactory.getThreadMXBean();
    static long carrierCpu() {
        long sum = TMX.getCurrentThreadCpuTime();
        String prefix = rt.name() + "-";
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) || t.getName().startsWith("ForkJoinPool-1-worker")) { long c = TMX.getThreadCpuTime(t.threadId()); if (c > 0) sum += c; }
        }
        return sum;
    }
    static long opsOf(String w) {
        if (w.startsWith("t")) {
            w = w.substring(1);
        }
        return switch (w) { case "chan", "ochan", "lchan", "bare2", "bare", "wake", "vsq", "vbare" -> ROUNDS; case "pspawn", "vpspawn" -> 100_000; case "skynet", "vskynet" -> SKYNET_NODES; case "spawn", "vspawn" -> 100_000; case "buf" -> 10_000_000; case "fork", "vfork" -> FORKS; case "yield2", "yield1000", "vyield2", "vyield1000" -> 400_000; default -> 1; };
    }
    static long buf() {
        long[] out = new long[1];
        rt.run(() -> {
            Chan<Integer> a = Chan.make(1);
            Integer v = 1;
            int n = 10_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) { a.send(v); v = a.recv(); }
            out[0] = (System.nanoTime() - t0) * 1000 / n;
        });
        return out[0];
    }
    // unpark a parked goroutine that is then run; measures ready+switch without channels: like bare but
    // wakee does not unpark back; instead a chain: ping sends to pong via chan, pong replies via LockSupport
    static long wake() {
        long[] out = new long[1];
        rt.run(() -> {
            Chan<Integer> a = Chan.make();
            AtomicInteger turn = new AtomicInteger();
            Thread ping = Thread.currentThread();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < ROUNDS; i++) { a.recv(); turn.set(0); LockSupport.unpark(ping); }
            });
            Integer v = 1;
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) { turn.set(1); a.send(v); while (turn.get() != 0) LockSupport.park(); }
            pong.join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / ROUNDS;
    }
    static long alloc(boolean vt) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 100_000;
        long[] out = new long[1];
        Runnable body = () -> {
            Thread[] ts = new Thread[n];
            long a0 = mx.getTotalThreadAllocatedBytes();
            for (int i = 0; i < n; i++) ts[i] = vt ? Thread.ofVirtual().start(() -> {}) : Go.go(() -> {}).thread();
            for (int i = 0; i < n; i++) { try { ts[i].join(); } catch (InterruptedException e) { throw new RuntimeException(e); } }
            out[0] = (mx.getTotalThreadAllocatedBytes() - a0) / n;
        };
        if (vt) { Thread t = Thread.ofVirtual().start(body); try { t.join(); } catch (InterruptedException e) {} } else rt.run(body);
        return out[0];
    }
    static long vspawn() {
        long[] out = new long[1];
        int n = 100_000;
        Thread t = Thread.ofVirtual().start(() -> {
            Thread[] gs = new Thread[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) gs[i] = Thread.ofVirtual().start(() -> {});
            try { for (int i = 0; i < n; i++) gs[i].join(); } catch (InterruptedException e) {}
            out[0] = System.nanoTime() - t0;
        });
        try { t.join(); } catch (InterruptedException e) {}
        return out[0] / n;
    }
    static long dist() {
        int n = 100_000;
        java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> m = new java.util.concurrent.ConcurrentHashMap<>();
        rt.run(() -> {
            Goroutine[] gs = new Goroutine[n];
            for (int i = 0; i < n; i++) gs[i] = Go.go(() -> { m.computeIfAbsent(dev.weft.internal.vm.VirtualThreads.currentCarrierThread().getName(), k -> new java.util.concurrent.atomic.LongAdder()).increment(); });
            for (int i = 0; i < n; i++) gs[i].join();
        });
        System.out.println(m + " " + rt.stats());
        return 0;
    }
    static long yields(int n, boolean vt) {
        int total = 400_000, each = total / n;
        long[] out = new long[1];
        Runnable body = () -> {
            Thread[] ts = new Thread[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Runnable r = () -> { for (int k = 0; k < each; k++) Thread.yield(); };
                ts[i] = vt ? Thread.ofVirtual().start(r) : Go.go(r).thread();
            }
            try { for (Thread t : ts) t.join(); } catch (InterruptedException e) {}
            out[0] = System.nanoTime() - t0;
        };
        if (vt) { Thread t = Thread.ofVirtual().start(body); try { t.join(); } catch (InterruptedException e) {} } else rt.run(body);
        return out[0] / total;
    }
    static long vsq() {
        long[] out = new long[1];
        Thread t = Thread.ofVirtual().start(() -> {
            var a = new java.util.concurrent.SynchronousQueue<Integer>();
            var b = new java.util.concurrent.SynchronousQueue<Integer>();
            Thread pong = Thread.ofVirtual().start(() -> {
                try { for (int i = 0; i < ROUNDS; i++) { b.put(a.take()); } } catch (InterruptedException e) {}
            });
            Integer v = 1;
            long t0 = System.nanoTime();
            try { for (int i = 0; i < ROUNDS; i++) { a.put(v); v = b.take(); } pong.join(); } catch (InterruptedException e) {}
            out[0] = System.nanoTime() - t0;
        });
        try { t.join(); } catch (InterruptedException e) {}
        return out[0] / ROUNDS;
    }
    static long vbare() {
        long[] out = new long[1];
        Thread t = Thread.ofVirtual().start(() -> {
            AtomicInteger turn = new AtomicInteger();
            Thread ping = Thread.currentThread();
            Thread pong = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    while (turn.get() != 1) LockSupport.park();
                    turn.set(0);
                    LockSupport.unpark(ping);
                }
            });
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                turn.set(1);
                LockSupport.unpark(pong);
                while (turn.get() != 0) LockSupport.park();
            }
            try { pong.join(); } catch (InterruptedException e) {}
            out[0] = System.nanoTime() - t0;
        });
        try { t.join(); } catch (InterruptedException e) {}
        return out[0] / ROUNDS;
    }
    static long pspawn(boolean vt) {
        int n = 100_000;
        Thread[] ts = new Thread[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) ts[i] = vt ? Thread.ofVirtual().start(() -> {}) : rt.go(() -> {}).thread();
        try { for (int i = 0; i < n; i++) ts[i].join(); } catch (InterruptedException e) {}
        return (System.nanoTime() - t0) / n;
    }
    /** Skynet with 100,000 leaves (111,111 tasks), each sending its sum to its parent. */
    static final int SKYNET_LEAVES = 100_000;
    static final int SKYNET_NODES = 111_111;

    static long skynet(boolean vt) {
        long[] out = new long[1];
        Runnable body = () -> {
            long t0 = System.nanoTime();
            long sum = vt ? vskynetNode(0, SKYNET_LEAVES) : skynetNode(0, SKYNET_LEAVES);
            out[0] = System.nanoTime() - t0;
            if (sum != (long) SKYNET_LEAVES * (SKYNET_LEAVES - 1) / 2) throw new AssertionError(sum);
        };
        if (vt) { Thread t = Thread.ofVirtual().start(body); try { t.join(); } catch (InterruptedException e) {} } else rt.run(body);
        return out[0] / SKYNET_NODES;
    }

    static long skynetNode(long num, int size) {
        if (size == 1) return num;
        Chan<Long> c = Chan.make();
        int step = size / 10;
        for (int i = 0; i < 10; i++) {
            long sub = num + (long) i * step;
            Go.go(() -> c.send(skynetNode(sub, step)));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) sum += c.recv();
        return sum;
    }

    static long vskynetNode(long num, int size) {
        if (size == 1) return num;
        var c = new java.util.concurrent.SynchronousQueue<Long>();
        int step = size / 10;
        for (int i = 0; i < 10; i++) {
            long sub = num + (long) i * step;
            Thread.ofVirtual().start(() -> { try { c.put(vskynetNode(sub, step)); } catch (InterruptedException e) {} });
        }
        long sum = 0;
        try { for (int i = 0; i < 10; i++) sum += c.take(); } catch (InterruptedException e) {}
        return sum;
    }

    /** Fork-join: each task forks a child, and joins it once it has done its own half. */
    static final int FORK_DEPTH = 16;
    static final int FORKS = (1 << FORK_DEPTH) - 1;
    static long fork(boolean vt) {
        long[] out = new long[1];
        Runnable body = () -> {
            long t0 = System.nanoTime();
            long n = forkNode(FORK_DEPTH, vt);
            out[0] = System.nanoTime() - t0;
            if (n != FORKS) throw new AssertionError(n);
        };
        if (vt) { Thread t = Thread.ofVirtual().start(body); try { t.join(); } catch (InterruptedException e) {} } else rt.run(body);
        return out[0] / FORKS;
    }
    /** The tasks of a tree of {@code depth}: a child forked for one subtree, the other done here, the child joined. */
    static long forkNode(int depth, boolean vt) {
        if (depth == 0) return 0;
        long[] left = new long[1];
        long right;
        if (vt) {
            Thread t = Thread.ofVirtual().start(() -> left[0] = forkNode(depth - 1, true));
            right = forkNode(depth - 1, true);
            try { t.join(); } catch (InterruptedException e) { throw new AssertionError(e); }
        } else {
            Goroutine g = Go.go(() -> left[0] = forkNode(depth - 1, false));
            right = forkNode(depth - 1, false);
            g.join();
        }
        return 1 + left[0] + right;
    }

    static long spawn() {
        long[] out = new long[1];
        int n = 100_000;
        rt.run(() -> {
            Goroutine[] gs = new Goroutine[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) gs[i] = Go.go(() -> {});
            for (int i = 0; i < n; i++) gs[i].join();
            out[0] = System.nanoTime() - t0;
        });
        return out[0] / n;
    }
}
