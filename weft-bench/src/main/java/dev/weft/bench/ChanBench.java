package dev.weft.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channels (issue 3) at parallelism 1: weft's {@code Chan} against the nearest JDK queue on
 * virtual threads on the default scheduler (the fork sets its parallelism to 1; weft runs
 * {@code procs(1)}). {@link ChanBench2} runs the same workloads at parallelism 2.
 *
 * <ul>
 *   <li>{@code pingPong}: two threads bounce a value over two unbuffered conduits (weft
 *       {@code Chan.make()}, JDK {@code SynchronousQueue}); time per round trip (two hand-offs).</li>
 *   <li>{@code ring}: 503 threads in a ring of unbuffered conduits pass a token that counts
 *       down {@value #RING_HOPS} hops (the figure is 10M hops; the per-hop time is what
 *       compares); time per hop. The 502 hops that stop the ring afterwards are not counted.</li>
 *   <li>{@code fanIn}: 10,000 producers send 100 values each into one conduit of capacity 1,024
 *       (weft {@code Chan.make(1024)}, JDK {@code LinkedBlockingQueue(1024)}), 4 consumers take
 *       until the stream ends (weft: close; JDK: one poison value per consumer); count and sum
 *       checked; time per message.</li>
 *   <li>{@code skynet}: 1M leaf threads in a 10-ary tree, each node sums its children's values
 *       received on its own unbuffered conduit (weft {@code Chan.make()} per node, JDK
 *       {@code SynchronousQueue} per node), 1,111,111 threads in all; sum 499999500000 checked;
 *       time per run.</li>
 * </ul>
 *
 * Threads are started and joined the same way for both peers ({@link Peer}: weft
 * {@code Go.go}, JDK {@code Thread.ofVirtual()}; {@code Thread.join}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
public class ChanBench {
    static final int ROUNDS = 100_000;
    static final int RING = 503;
    static final int RING_HOPS = 1_000_000;
    static final int PRODUCERS = 10_000;
    static final int PER_PRODUCER = 100;
    static final int FAN_IN_CAP = 1024;
    static final int CONSUMERS = 4;
    static final int SKYNET_LEAVES = 1_000_000;
    static final long SKYNET_SUM = 499_999_500_000L;

    @Param({"weft", "weft-priority", "vthread"})
    public String peer;

    private Peer p;

    @Setup(Level.Trial)
    public void setUp() {
        p = new Peer(peer, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPong() throws InterruptedException {
        return pingPongOn(p, peer);
    }

    @Benchmark
    @OperationsPerInvocation(RING_HOPS)
    public int ring() throws InterruptedException {
        return ringOn(p, peer, RING_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(PRODUCERS * PER_PRODUCER)
    public long fanIn() throws InterruptedException {
        return fanInOn(p, peer);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynet() throws InterruptedException {
        return skynetOn(p, peer);
    }

    /** Round trips over two unbuffered conduits; the values (cached Integers, no allocation) are summed and checked. */
    static long pingPongOn(Peer p, String peer) throws InterruptedException {
        Conduit ping = Conduit.unbuffered(peer);
        Conduit pong = Conduit.unbuffered(peer);
        AtomicLong sum = new AtomicLong();
        p.run(() -> {
            Thread t = p.start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.put(ping.take());
                }
            });
            long s = 0;
            for (int i = 0; i < ROUNDS; i++) {
                ping.put(Integer.valueOf(i & 127));
                s += (Integer) pong.take();
            }
            SchedBench.joinQuietly(t);
            sum.set(s);
        });
        long expected = (long) (ROUNDS / 128) * (127 * 128 / 2) + sumBelow(ROUNDS % 128);
        return check(sum.get(), expected);
    }

    private static long sumBelow(int n) {
        return (long) n * (n - 1) / 2;
    }

    /**
     * The thread ring: thread i takes from conduit i and puts the token less one into conduit
     * i+1; the thread that takes 0 is the finisher (expected: {@code hops % RING}). It then sends
     * a stop value (-(finisher+1)) round the ring, which every thread forwards once and exits
     * on, except that the finisher's predecessor does not forward it.
     */
    static int ringOn(Peer p, String peer, int hops) throws InterruptedException {
        Conduit[] cs = new Conduit[RING];
        for (int i = 0; i < RING; i++) {
            cs[i] = Conduit.unbuffered(peer);
        }
        AtomicInteger finisher = new AtomicInteger(-1);
        p.run(() -> {
            Thread[] ts = new Thread[RING];
            for (int i = 0; i < RING; i++) {
                int id = i;
                Conduit in = cs[i];
                Conduit out = cs[(i + 1) % RING];
                int next = (i + 1) % RING;
                ts[i] = p.start(() -> {
                    for (;;) {
                        int v = (Integer) in.take();
                        if (v > 0) {
                            out.put(v - 1);
                        } else if (v == 0) {
                            finisher.set(id);
                            out.put(-(id + 1));
                            return;
                        } else {
                            if (next != -v - 1) {
                                out.put(v);
                            }
                            return;
                        }
                    }
                });
            }
            cs[0].put(hops);
            for (Thread t : ts) {
                SchedBench.joinQuietly(t);
            }
        });
        return (int) check(finisher.get(), hops % RING);
    }

    /** 10,000 producers x 100 values into one conduit of capacity 1,024, 4 consumers. */
    static long fanInOn(Peer p, String peer) throws InterruptedException {
        Conduit q = Conduit.buffered(peer, FAN_IN_CAP);
        AtomicLong sum = new AtomicLong();
        AtomicLong count = new AtomicLong();
        p.run(() -> {
            Thread[] consumers = new Thread[CONSUMERS];
            for (int c = 0; c < CONSUMERS; c++) {
                consumers[c] = p.start(() -> {
                    long s = 0;
                    long n = 0;
                    for (Object v; (v = q.take()) != null; ) {
                        s += (Integer) v;
                        n++;
                    }
                    sum.addAndGet(s);
                    count.addAndGet(n);
                });
            }
            Thread[] producers = new Thread[PRODUCERS];
            for (int i = 0; i < PRODUCERS; i++) {
                int base = i * PER_PRODUCER;
                producers[i] = p.start(() -> {
                    for (int k = 0; k < PER_PRODUCER; k++) {
                        q.put(base + k);
                    }
                });
            }
            for (Thread t : producers) {
                SchedBench.joinQuietly(t);
            }
            q.closeFor(CONSUMERS);
            for (Thread t : consumers) {
                SchedBench.joinQuietly(t);
            }
        });
        int n = PRODUCERS * PER_PRODUCER;
        check(count.get(), n);
        return check(sum.get(), sumBelow(n));
    }

    /** Skynet: 1M leaves, 10-ary tree, sums back through one unbuffered conduit per node. */
    static long skynetOn(Peer p, String peer) throws InterruptedException {
        AtomicLong result = new AtomicLong();
        p.run(() -> {
            Conduit c = Conduit.unbuffered(peer);
            p.start(() -> skynet(p, peer, c, 0, SKYNET_LEAVES));
            result.set((Long) c.take());
        });
        return check(result.get(), SKYNET_SUM);
    }

    private static void skynet(Peer p, String peer, Conduit c, long num, int size) {
        if (size == 1) {
            c.put(num);
            return;
        }
        Conduit rc = Conduit.unbuffered(peer);
        int sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            p.start(() -> skynet(p, peer, rc, n, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += (Long) rc.take();
        }
        c.put(sum);
    }

    static long check(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("benchmark self-check failed: " + got + " != " + expected);
        }
        return got;
    }
}
