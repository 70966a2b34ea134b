package dev.weft.bench;

import dev.weft.Go;
import dev.weft.Weft;

/**
 * Who runs the benchmark's threads: weft, the JDK's default virtual-thread scheduler, or the
 * minimal custom scheduler (the floor). Each starts "a thread" and runs "a main" its own way.
 */
final class Peer implements AutoCloseable {
    private final String kind;
    private final Weft weft;
    private final MinimalScheduler minimal;

    Peer(String kind, int procs) {
        this.kind = kind;
        this.weft = kind.equals("weft") ? Weft.builder().procs(procs).name("bench").build() : null;
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
