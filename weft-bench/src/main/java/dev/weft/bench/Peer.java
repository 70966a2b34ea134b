package dev.weft.bench;

import dev.weft.Go;
import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;

/**
 * Who runs the benchmark's threads: weft (Go's FIFO policy; {@code weft-priority}: the PRIORITY
 * policy; {@code weft-n1}: the N_1 model), the JDK's default virtual-thread scheduler, or the
 * minimal custom scheduler (the floor). Each starts "a thread" and runs "a main" its own way.
 */
final class Peer implements AutoCloseable {
    private final String kind;
    private final Weft weft;
    private final MinimalScheduler minimal;

    Peer(String kind, int procs) {
        this.kind = kind;
        this.weft = switch (kind) {
            case "weft" -> Weft.builder().model(ThreadingModel.M_N).procs(procs).name("bench").build();
            case "weft-priority" -> Weft.builder().model(ThreadingModel.M_N).policy(SchedulingPolicy.PRIORITY)
                    .procs(procs).name("bench").build();
            case "weft-n1" -> Weft.builder().model(ThreadingModel.N_1).name("bench").build();
            default -> null;
        };
        this.minimal = kind.equals("floor") ? new MinimalScheduler() : null;
        if (weft == null && minimal == null && !kind.equals("vthread")) {
            throw new IllegalArgumentException("unknown peer " + kind);
        }
    }

    /** Starts a thread from inside a thread of this peer. */
    Thread start(Runnable body) {
        if (weft != null) {
            return Go.go(body).thread();
        }
        if (minimal != null) {
            return minimal.start(body);
        }
        return Thread.ofVirtual().start(body);
    }

    /** Runs {@code main} as a thread of this peer and waits for it. */
    void run(Runnable main) throws InterruptedException {
        if (weft != null) {
            weft.run(main);
            return;
        }
        Thread t = minimal != null ? minimal.start(main) : Thread.ofVirtual().start(main);
        t.join();
    }

    @Override
    public void close() {
        if (weft != null) {
            weft.close();
        }
        if (minimal != null) {
            minimal.close();
        }
    }

    @Override
    public String toString() {
        return kind;
    }
}
