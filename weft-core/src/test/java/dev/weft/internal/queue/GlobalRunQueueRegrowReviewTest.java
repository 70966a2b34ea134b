package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A put that finds the ring full by the takers' published head, but not by their true head, must
 * not reallocate the ring. The published head lags the truth while a taker is inside its section
 * (a putter that read it then waits for the take lock, and finds the head moved when it gets it:
 * any put into a ring that looks full while a take is under way) and after a take that threw
 * (the class comment's "At the end of a stack"). The putter holds the take lock by then, so the
 * truth is what it should go by; a ring "grown" to its own size is a full copy of the queue under
 * both locks, every taker waiting meanwhile, and garbage of the ring's size. Written by a
 * reviewer against the version whose ensureRoom grew unconditionally once it took the take lock.
 */
class GlobalRunQueueRegrowReviewTest {
    @Test
    void aPutThatHasRoomByTheTrueHeadKeepsTheRing() throws Exception {
        GlobalRunQueue<Integer> q = new GlobalRunQueue<>(4);
        for (int i = 0; i < 4; i++) {
            q.put(i);
        }
        assertThat(q.poll()).isEqualTo(0);
        // The head as a taker between its plain store of the head and its release store leaves
        // it (or one whose release store threw): one behind the truth, the slot already free.
        GlobalRunQueue.Side take = side(q, "take");
        assertThat(take.local).isEqualTo(1);
        take.count = 0;
        Object[] before = ring(q);

        q.put(4); // three queued, one free slot by the truth

        assertThat(ring(q)).as("the ring was replaced, though the put had room (length %d)", ring(q).length)
                .isSameAs(before);
        for (int i = 1; i <= 4; i++) {
            assertThat(q.poll()).isEqualTo(i);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.size()).isZero();
    }

    private static GlobalRunQueue.Side side(GlobalRunQueue<?> q, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = GlobalRunQueue.class.getDeclaredField(name);
        f.setAccessible(true);
        return (GlobalRunQueue.Side) f.get(q);
    }

    private static Object[] ring(GlobalRunQueue<?> q) throws ReflectiveOperationException {
        java.lang.reflect.Field f = GlobalRunQueue.class.getDeclaredField("items");
        f.setAccessible(true);
        return (Object[]) f.get(q);
    }
}
