package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.GoroutineFailedException;
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
                assertThatThrownBy(group::await).isInstanceOf(GoroutineFailedException.class)
                        .cause().isInstanceOf(ProcessExitException.class);
                assertThat(group.tryGo(() -> {})).as("both slots free again").isTrue();
                assertThat(group.tryGo(() -> {})).isTrue();
                assertThatThrownBy(group::await).isInstanceOf(GoroutineFailedException.class) // kept, as Go keeps err
                        .cause().isInstanceOf(ProcessExitException.class);
            });
        }
    }

    /**
     * A task ended by its process's exit failed, and await says so; but a caller outside that
     * process used to get the exit itself, a {@link ProcessExitException} carrying another
     * process's pid, which code that takes every such exception for its own process's end (a
     * pool's worker, a {@code catch} that cleans up and rethrows) would mistake for its own.
     * It comes wrapped, naming the task's goroutine, like a checked exception.
     */
    @Test
    void aTasksProcessExitReachesAnAwaiterOfAnotherProcessAsTheTasksFailure() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                ErrGroup group = new ErrGroup();
                Chan<Boolean> running = Chan.make(1);
                AtomicReference<Long> taskId = new AtomicReference<>();
                WeftProcess p = WeftProcess.builder("errgroup-task").start(rt, () -> {
                    group.go(() -> {
                        taskId.set(Go.current().id());
                        running.send(true);
                        Chan.make().recv(); // until its process ends
                    });
                    Chan.make().recv();
                });
                running.recv();
                p.terminate(5);
                assertThat(p.waitFor()).isEqualTo(5);

                AtomicReference<Throwable> inOtherProcess = new AtomicReference<>();
                WeftProcess q = WeftProcess.builder("errgroup-awaiter").start(rt, () -> {
                    try {
                        group.await();
                    } catch (Throwable t) {
                        inOtherProcess.set(t);
                    }
                });
                assertThat(q.waitFor()).as("the awaiter's process ends normally").isZero();
                assertThat(inOtherProcess.get()).isInstanceOf(GoroutineFailedException.class);
                GoroutineFailedException e = (GoroutineFailedException) inOtherProcess.get();
                assertThat(e.goroutineId()).isEqualTo(taskId.get());
                assertThat(e.getCause()).isInstanceOf(ProcessExitException.class);
                assertThat(((ProcessExitException) e.getCause()).pid()).isEqualTo(p.pid());

                assertThatThrownBy(group::await).as("outside any process too")
                        .isInstanceOf(GoroutineFailedException.class).cause().isSameAs(e.getCause());
            });
        }
    }
}
