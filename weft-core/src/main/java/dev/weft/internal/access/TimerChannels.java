package dev.weft.internal.access;

/**
 * How {@code dev.weft.time} makes a timer's channel and sends on it, while user code may only
 * receive from one (Go's {@code <-chan Time}): {@code Chan} refuses a send or close by anyone
 * else with an IllegalStateException. The channel class is public API and its timer half must
 * not be, so it hands this package an {@link Access} when it is initialised (the JDK's
 * "shared secrets" pattern); this package cannot name it (internal never imports the public
 * packages), hence the Object-typed channel.
 */
public final class TimerChannels {
    private TimerChannels() {}

    /**
     * What a timer's channel asks of its timer before every receive and select (Go 1.23's
     * {@code maybeRunChan}): send the value now if its time has come and no heap has run it yet.
     * The channel holds it strongly, so a timer lives at least as long as its channel.
     */
    public interface Timer {
        /** Delivers a due value that no heap has delivered yet; cheap when none is due. */
        void runIfDue();
    }

    /** What the channel class offers its timers. */
    public interface Access {
        /**
         * A new timer's channel: capacity 1, receive-only for everyone but {@link #offer}, that
         * calls {@code timer} first on every receive.
         */
        Object make(Timer timer);

        /** The timer's non-blocking send of {@code value} on {@code chan}; false if it is full. */
        boolean offer(Object chan, Object value);

        /** The timer's own non-blocking receive (a stop's drain): does not call the timer back. */
        Object drain(Object chan);
    }

    private static volatile Access access;

    /** Called once, by the channel class's static initialiser. */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("weft: timer channel access installed twice");
        }
        access = a;
    }

    /**
     * The installed access; the caller has made sure the channel class is initialised (a class
     * that uses this initialises it first: {@code MethodHandles.lookup().ensureInitialized}).
     */
    public static Access access() {
        return access;
    }
}
