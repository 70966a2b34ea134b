package dev.weft.chan;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A brute-force linearizability check of the <em>blocking</em> operations, which Lincheck cannot
 * drive from Java (it models waiting only for Kotlin suspend functions): short random concurrent
 * histories of send, recv, trySend, tryRecv and close on a buffered channel, each operation
 * stamped with its invocation and response time, must have a total order that respects real time
 * (Wing and Gong's search) and that a sequential channel model accepts result for result.
 * Threads still blocked at the end are released by a final close, itself part of the history.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChanHistoryCheckTest {
    private enum Kind { SEND, RECV, TRY_SEND, TRY_RECV, CLOSE }

    /** One completed operation: what was asked, what came back, and when. */
    private record Op(Kind kind, int arg, String result, long invoked, long responded) {}

    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {1, 2})
    void randomHistoriesAreLinearizable(int cap) throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            for (int round = 0; round < 300; round++) {
                List<Op> history = runHistory(rt, cap);
                assertThat(linearizable(history, cap)).as("history %s", history).isTrue();
            }
        }
    }

    private static List<Op> runHistory(Weft rt, int cap) throws InterruptedException {
        int threads = 3;
        Chan<Integer> ch = Chan.make(cap);
        List<Op> history = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger nextValue = new AtomicInteger(1);
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Runnable body = () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                int ops = 1 + rnd.nextInt(3);
                for (int i = 0; i < ops; i++) {
                    int pick = rnd.nextInt(20);
                    Kind kind = pick < 6 ? Kind.SEND : pick < 12 ? Kind.RECV : pick < 15 ? Kind.TRY_SEND
                            : pick < 19 ? Kind.TRY_RECV : Kind.CLOSE;
                    history.add(perform(ch, kind, kind == Kind.SEND || kind == Kind.TRY_SEND ? nextValue.getAndIncrement() : 0));
                }
                finished.incrementAndGet();
                done.countDown();
            };
            if (t == 0) {
                Thread.ofPlatform().start(body);
            } else {
                rt.go(body);
            }
        }
        // Everyone is finished or parked for good: release the parked ones with a closing close.
        awaitTrue(() -> finished.get() + ch.sendWaiters() + ch.recvWaiters() == threads);
        if (finished.get() < threads) {
            history.add(perform(ch, Kind.CLOSE, 0));
        }
        done.await();
        return new ArrayList<>(history);
    }

    private static Op perform(Chan<Integer> ch, Kind kind, int v) {
        long start = System.nanoTime();
        String result;
        try {
            result = switch (kind) {
                case SEND -> {
                    ch.send(v);
                    yield "ok";
                }
                case TRY_SEND -> String.valueOf(ch.trySend(v));
                case RECV -> {
                    RecvResult<Integer> r = ch.recvOk();
                    yield r.ok() ? String.valueOf(r.value()) : "closed";
                }
                case TRY_RECV -> String.valueOf(ch.tryRecv());
                case CLOSE -> {
                    ch.close();
                    yield "ok";
                }
            };
        } catch (ClosedChannelException e) {
            result = e.getMessage();
        }
        return new Op(kind, v, result, start, System.nanoTime());
    }

    // ---- Wing & Gong search against a sequential model ----

    private static boolean linearizable(List<Op> ops, int cap) {
        return search(ops, 0, new ArrayDeque<>(), false, cap, new HashSet<>());
    }

    private static boolean search(List<Op> ops, int doneMask, ArrayDeque<Integer> buf, boolean closed, int cap,
            Set<String> seen) {
        int n = ops.size();
        if (doneMask == (1 << n) - 1) {
            return true;
        }
        if (!seen.add(doneMask + "|" + buf + "|" + closed)) {
            return false;
        }
        // An op may go next only if no pending op responded before it was invoked.
        long minResponse = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if ((doneMask & 1 << i) == 0) {
                minResponse = Math.min(minResponse, ops.get(i).responded());
            }
        }
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            if ((doneMask & 1 << i) != 0 || op.invoked() > minResponse) {
                continue;
            }
            ArrayDeque<Integer> b = new ArrayDeque<>(buf);
            boolean c = closed;
            String expected;
            switch (op.kind()) {
                case SEND -> {
                    if (c) {
                        expected = "send on closed channel";
                    } else if (b.size() < cap) {
                        b.add(op.arg());
                        expected = "ok";
                    } else {
                        continue; // would still be blocked here
                    }
                }
                case TRY_SEND -> {
                    if (c) {
                        expected = "send on closed channel";
                    } else if (b.size() < cap) {
                        b.add(op.arg());
                        expected = "true";
                    } else {
                        expected = "false";
                    }
                }
                case RECV -> {
                    if (!b.isEmpty()) {
                        expected = String.valueOf(b.poll());
                    } else if (c) {
                        expected = "closed";
                    } else {
                        continue; // would still be blocked here
                    }
                }
                case TRY_RECV -> expected = String.valueOf(b.poll());
                case CLOSE -> {
                    expected = c ? "close of closed channel" : "ok";
                    c = true;
                }
                default -> throw new AssertionError(op);
            }
            if (Objects.equals(expected, op.result()) && search(ops, doneMask | 1 << i, b, c, cap, seen)) {
                return true;
            }
        }
        return false;
    }
}
