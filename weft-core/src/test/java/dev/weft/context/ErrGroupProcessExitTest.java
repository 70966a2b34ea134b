package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ThreadingModel;
import dev.weft.chan.Chan;
import dev.weft.Weft;
import dev.weft.proc.ProcessExitException;
import dev.weft.proc.WeftProcess;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@link ErrGroup} whose caller's process ends while it starts a task: the task has started,
 * so it is counted once, whatever the start throws (the process's exit at the safe point that
 * follows a start).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrGroupProcessExitTest {

    @Test
    void aTaskStartedAsItsCallersProcessEndsIsCountedOnce() throws Exception {
        // N_1 under every execution: one carrier, so the new task runs only when the caller
        // yields, and sysmon asks a thread that holds it for a slice to yield, never hands its
        // processor to another carrier (as M_N may, which would run the task alongside).
        try (Weft rt = Weft.builder().model(ThreadingModel.N_1).build()) {
            ErrGroup group = new ErrGroup();
            AtomicReference<Throwable> fromGo = new AtomicReference<>();
            long before = rt.stats().preemptRequests(); // the primary is the runtime's only goroutine
            WeftProcess p = WeftProcess.builder("errgroup-caller").start(rt, () -> {
                // Hold the carrier until sysmon asks this thread to yield: the safe point after
                // go's start then runs the new task first, and the task ends the process, so
                // the start itself throws the process's exit, with the task started and done.
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
            assertThat(p.waitFor()).isEqualTo(7);
            // Before: the start's undo counted the task out a second time, and the WaitGroup
            // refused it ("negative WaitGroup counter") in place of the process's exit.
            assertThat(fromGo.get()).isInstanceOf(ProcessExitException.class);
            group.await(); // nothing left running, nothing failed
        }
    }

    /**
     * A task of a limited group whose process ends while it runs: it unwinds with the process's
     * exit and gives its slot back. Its clean-up used to receive the slot's token with a plain
     * receive, a safe point, which threw the exit a second time before the task was counted
     * out, so await (outside the process) waited for good.
     */
    @Test
    void aLimitedGroupsTaskEndedWithItsProcessIsCountedOut() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> { // the deadlock detector turns a wait for good into a DeadlockException
                ErrGroup group = new ErrGroup();
                group.setLimit(2);
                Chan<Boolean> running = Chan.make(1);
                WeftProcess p = WeftProcess.builder("errgroup-member").start(rt, () -> {
                    group.go(() -> {
                        running.send(true);
                        Chan.make().recv(); // until its process ends
                    });
                    Chan.make().recv();
                });
                running.recv();
                p.terminate(3);
                assertThat(p.waitFor()).isEqualTo(3);
                // The task failed: its process ended it (as Go would report a task's error).
                assertThatThrownBy(group::await).isInstanceOf(ProcessExitException.class);
                assertThat(group.tryGo(() -> {})).as("both slots free again").isTrue();
                assertThat(group.tryGo(() -> {})).isTrue();
                assertThatThrownBy(group::await).isInstanceOf(ProcessExitException.class); // kept, as Go keeps err
            });
        }
    }
}
