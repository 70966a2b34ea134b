package dev.weft.internal.sched;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Helpers for white-box scheduler tests: a Sched that records uncaught exceptions. */
final class SchedTestSupport {
    private SchedTestSupport() {}

    static final class Recorded implements AutoCloseable {
        final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        final Sched sched;

        Recorded(int procs) {
            SchedConfig d = SchedConfig.defaults("test", (g, t) -> uncaught.add(t));
            this.sched = new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), d.clock(),
                    d.timesliceNanos(), d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
        }

        G go(Runnable body) {
            return sched.go(body, true);
        }

        void join(G g) {
            try {
                g.thread().join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            sched.close();
        }
    }
}
