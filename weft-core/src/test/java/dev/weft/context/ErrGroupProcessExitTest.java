package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.proc.ProcessExitException;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@link ErrGroup} whose caller's process ends while it starts a task: the task has started,
 * so it is counted once, whatever the start throws (the process's exit at the safe point that
 * follows a start). Runs under M_N and N_1; under ONE_TO_ONE weft asks no thread to yield.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrGroupProcessExitTest {

    @Test
    void aTaskStartedAsItsCallersProcessEndsIsCountedOnce() throws Exception {
        Assumptions.assumeFalse("ONE_TO_ONE".equals(System.getProperty("weft.model")),
                "under ONE_TO_ONE the kernel preempts and weft's safe points never yield");
        try (Weft rt = Weft.builder().procs(1).build()) {
            ErrGroup group = new ErrGroup();
            AtomicReference<Throwable> fromGo = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("errgroup-caller").start(rt, () -> {
                // Hold the only processor until sysmon asks this thread to yield: the safe point
                // after go's start then runs the new task first, and the task ends the process,
                // so the start itself throws the process's exit, with the task started and done.
                long before = rt.stats().preemptRequests();
                while (rt.stats().preemptRequests() == before) {
                    Thread.onSpinWait();
                }
                try {
                    group.go(() -> WeftProcess.current().terminate(7));
                } catch (Throwable t) {
                    fromGo.set(t);
                    throw t;
                }
            });
            assertThat(p.waitFor(Duration.ofSeconds(30))).hasValue(7);
            // Before: the start's undo counted the task out a second time, and the WaitGroup
            // refused it ("negative WaitGroup counter") in place of the process's exit.
            assertThat(fromGo.get()).isInstanceOf(ProcessExitException.class);
            group.await(); // nothing left running, nothing failed
        }
    }
}
