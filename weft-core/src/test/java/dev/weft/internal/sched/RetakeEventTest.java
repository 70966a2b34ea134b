package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceBuffer;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retake names the goroutine it took the P from: the RETAKE event (which the trace's writer
 * uses to cut that goroutine's run) and the yield request. Sysmon read the stuck M's goroutine
 * only after releasing the scheduler lock, by when the M may have left it, retired the P and
 * moved on. Deterministic: a probe in {@code retakeRunning}, just after the lock's release,
 * waits until the hog has ended and its carrier holds no goroutine; the test plays sysmon.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetakeEventTest {

    @Test
    void theRetakeEventNamesTheGoroutineHoldingThePAtTheRetake(@TempDir Path dir) throws Exception {
        SchedConfig d = SchedConfig.defaults("retake-event", (g, t) -> t.printStackTrace());
        Sched s = new Sched(new SchedConfig(d.name(), 1, 64, d.uncaughtHandler(), d.clock(), TimeUnit.HOURS.toNanos(1),
                false, false, Model.M_N, d.starvationBoostNanos()));
        AtomicBoolean stop = new AtomicBoolean();
        TraceSession session = null;
        try {
            s.sysmon.shutdown();
            s.sysmon.join(); // the test is sysmon
            session = s.startTrace(dir.resolve("retake.json"), 1024);
            RuntimeTrace trace = s.trace;
            G hog = s.go(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait(); // no safe point
                }
            }, true);
            P p = s.allp()[0];
            awaitTrue(() -> p.m != null && p.m.curg == hog);
            M stuck = p.m;
            s.preemption.afterLockReleaseForTest = () -> {
                stop.set(true);
                awaitTrue(() -> !hog.thread().isAlive() && stuck.curg == null);
            };
            assertThat(s.preemption.retakeRunning(p, false)).isTrue();
            s.preemption.afterLockReleaseForTest = null;

            List<Long> named = new ArrayList<>();
            TraceBuffer shared = trace.shared();
            for (int i = 0; i < shared.size(); i++) {
                if (TraceEvent.kind(shared.header(i)) == TraceEvent.RETAKE) {
                    named.add(shared.b(i));
                }
            }
            assertThat(named).as("goroutines the RETAKE events name").containsExactly(hog.id());
            assertThat(hog.preempt).as("the hog asked to leave its carrier").isTrue();
        } finally {
            stop.set(true);
            if (session != null) {
                session.stop();
            }
            s.close();
        }
    }
}
