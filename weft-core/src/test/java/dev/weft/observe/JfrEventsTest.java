package dev.weft.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.DeadlockException;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * weft's JFR events: a recording that enables them, a program that makes each decision happen,
 * and the events read back from the file with RecordingFile, as JMC would show them. Hand-offs,
 * retakes and steals are M_N mechanics (N_1 has one carrier, ONE_TO_ONE none), hence the tag.
 */
@Tag("m-n-mechanics")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final List<String> NAMES = List.of("dev.weft.Preempt", "dev.weft.Steal", "dev.weft.Handoff",
            "dev.weft.Retake", "dev.weft.PriorityBoost", "dev.weft.Deadlock", "dev.weft.ProcsChange",
            "dev.weft.SchedulerStats");

    @Test
    void everyEventIsRecordedAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weft.jfr");
        try (Recording r = new Recording()) {
            for (String n : NAMES) {
                r.enable(n);
            }
            r.enable("dev.weft.SchedulerStats").withPeriod(Duration.ofMillis(10));
            r.start();
            makeEveryDecision();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, List<RecordedEvent>> byName = events.stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.weft."))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));
        assertThat(byName.keySet()).containsAll(NAMES);

        assertThat(byName.get("dev.weft.Preempt")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isEqualTo("jfr-hog");
            assertThat(e.getString("reason")).isEqualTo("slice end");
            assertThat(e.getLong("goroutine")).isPositive();
        });
        assertThat(byName.get("dev.weft.Steal")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isEqualTo("jfr-steal");
            assertThat(e.getInt("count")).isPositive();
            assertThat(e.getInt("victim")).isNotEqualTo(e.getInt("p"));
        });
        assertThat(byName.get("dev.weft.Handoff")).anySatisfy(e -> assertThat(e.getString("runtime")).isEqualTo("jfr-block"));
        assertThat(byName.get("dev.weft.Retake")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isEqualTo("jfr-hog");
            assertThat(e.getBoolean("blocked")).isFalse();
        });
        assertThat(byName.get("dev.weft.PriorityBoost")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isEqualTo("jfr-boost");
            assertThat(e.getInt("count")).isPositive();
        });
        assertThat(byName.get("dev.weft.Deadlock")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isEqualTo("jfr-deadlock");
            assertThat(e.getString("dump")).contains("all goroutines are asleep");
        });
        assertThat(byName.get("dev.weft.ProcsChange")).anySatisfy(e -> {
            assertThat(e.getInt("from")).isEqualTo(2);
            assertThat(e.getInt("to")).isEqualTo(3);
        });
        assertThat(byName.get("dev.weft.SchedulerStats")).anySatisfy(e -> {
            assertThat(e.getString("runtime")).isNotEmpty();
            assertThat(e.getInt("procs")).isPositive();
        });
    }

    private static void makeEveryDecision() throws Exception {
        // Preempt and Retake: a goroutine that never reaches a safe point holds its carrier past
        // one slice (a preemption request) and then two (its P is retaken).
        // A loaded machine may starve the hog's carrier of CPU, and sysmon then judges it blocked
        // (a blocked retake, not a hog's): a few rounds, as for the steal below.
        try (Weft rt = Weft.builder().procs(1).timeslice(Duration.ofMillis(2)).name("jfr-hog").build()) {
            for (int round = 0; round < 20 && rt.stats().hogRetakes() == 0; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch retaken = new CountDownLatch(1);
                rt.go(() -> {
                    while (!stop.get()) {
                        Thread.onSpinWait(); // no safe point
                    }
                });
                // Runs once the hog's P went to another carrier.
                rt.go(retaken::countDown);
                retaken.await();
                stop.set(true);
            }
            assertThat(rt.stats().hogRetakes()).isPositive();
        }
        // Steal: many goroutines made on one P, two Ps.
        try (Weft rt = Weft.builder().procs(2).name("jfr-steal").build()) {
            for (int round = 0; round < 50 && rt.stats().steals() == 0; round++) {
                rt.run(() -> {
                    WaitGroup wg = new WaitGroup();
                    for (int i = 0; i < 200; i++) {
                        wg.go(() -> {
                            long acc = 0;
                            for (int k = 0; k < 20_000; k++) {
                                acc += k;
                            }
                            assertThat(acc).isPositive();
                        });
                    }
                    wg.await();
                });
            }
            assertThat(rt.stats().steals()).isPositive();
        }
        // Handoff: a goroutine that stays inside Go.blocking while another needs the P.
        try (Weft rt = Weft.builder().procs(1).name("jfr-block").build()) {
            AtomicBoolean ranMeanwhile = new AtomicBoolean();
            CountDownLatch inCall = new CountDownLatch(1);
            Goroutine blocker = rt.go(() -> Go.blocking(() -> {
                inCall.countDown();
                // The call holds its carrier (a spin does not unmount, as a blocked read would
                // not) until the other goroutine ran, which needs the P handed to another carrier.
                while (!ranMeanwhile.get()) {
                    Thread.onSpinWait();
                }
            }));
            inCall.await();
            rt.go(() -> ranMeanwhile.set(true));
            blocker.join();
            assertThat(rt.stats().syscallHandoffs()).isPositive();
        }
        // PriorityBoost: a low-priority goroutine starved by a higher one.
        try (Weft rt = Weft.builder().model(ThreadingModel.N_1).policy(SchedulingPolicy.PRIORITY)
                .timeslice(Duration.ofMillis(2)).starvationBound(Duration.ofMillis(20)).name("jfr-boost").build()) {
            AtomicBoolean lowRan = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            Goroutine hog = rt.go(10, () -> {
                hogRunning.countDown();
                while (!lowRan.get()) {
                    Go.checkpoint();
                }
            });
            hogRunning.await();
            rt.go(2, () -> lowRan.set(true)).join();
            hog.join();
        }
        // Deadlock.
        try (Weft rt = Weft.builder().procs(1).name("jfr-deadlock").build()) {
            assertThatThrownBy(() -> rt.run(() -> Chan.<Integer>make().recv())).isInstanceOf(DeadlockException.class);
        }
        // ProcsChange.
        try (Weft rt = Weft.builder().procs(2).name("jfr-procs").build()) {
            rt.setProcs(3);
            rt.go(() -> { }).join();
        }
    }
}
