package dev.weft.chan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Close racing the receivers it wakes. A goroutine reuses one waiter for all its plain channel
 * operations, and close() used to walk the list of waiters it had completed after releasing the
 * lock, through their queue links: a receiver that saw its completion before close woke it (it
 * had not parked yet, or its park returned early) could return and enqueue the same waiter on
 * another channel first. The closer then read (and cleared) that other queue's link, dropping
 * the waiters behind it there, or ended its walk early and never woke the rest of its list.
 *
 * <p>The window is a few instructions wide; an interrupt storm widens it: every interrupt makes
 * a waiter's park return, so the storm's targets poll their completion flag instead of waiting
 * for close's wake-up (interrupts do not end a channel wait: the test also checks that).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloseRaceTest {

    @Test
    void closeNeverCorruptsTheQueueAWokenReceiverJoinsNext() throws Exception {
        int rounds = Conditions.scaledForTheModel(3_000);
        try (Weft rt = Weft.builder().procs(4).build()) {
            for (int round = 0; round < rounds; round++) {
                // A dropped waiter leaves b's sender and receivers asleep for good: the deadlock
                // detector ends the run with a DeadlockException.
                rt.run(CloseRaceTest::closeWhileReceiversPoll);
            }
        }
    }

    /** One round, as a runtime's main goroutine. */
    private static void closeWhileReceiversPoll() {
        int receivers = 8;
        Chan<Integer> a = Chan.make();
        Chan<Integer> b = Chan.make();
        AtomicInteger got = new AtomicInteger();
        List<Goroutine> gs = new ArrayList<>();
        for (int k = 0; k < receivers; k++) {
            gs.add(Go.go(() -> {
                assertThat(a.recv()).isNull(); // closed
                got.addAndGet(b.recv()); // the same waiter, on another channel's queue
            }));
        }
        Conditions.awaitTrue(() -> a.recvWaiters() == receivers);
        AtomicBoolean storm = new AtomicBoolean(true);
        Thread interrupter = Thread.ofPlatform().start(() -> {
            while (storm.get()) {
                for (int k = 0; k < gs.size(); k += 2) { // every other receiver polls
                    gs.get(k).thread().interrupt();
                }
            }
        });
        try {
            a.close();
        } finally {
            storm.set(false);
        }
        for (int k = 1; k <= receivers; k++) {
            b.send(k); // asleep for good if close dropped a receiver from b's queue
        }
        gs.forEach(Goroutine::join);
        try {
            interrupter.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(got.get()).isEqualTo(receivers * (receivers + 1) / 2);
        assertThat(a.recvWaiters() + b.recvWaiters() + b.sendWaiters()).isZero();
    }
}
