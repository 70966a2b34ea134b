package dev.weft.internal.access;

/**
 * How a thread pool's {@code onDone} waits for a {@code WaitGroup} in a way it can end: the
 * group offers only a blocking {@code await}, and a waiter goroutine whose registration is
 * cancelled (or whose pool shuts down) must not stay parked until the group reaches zero, which
 * may be never, holding its runtime's close open. {@code WaitGroup} installs the access from its
 * static initialiser; a caller holds a group, so the class is initialised by then.
 */
public final class WaitGroups {
    private WaitGroups() {}

    /** What the group class offers. */
    public interface Access {
        /** A new abandonable wait: for one {@link #await} and any number of {@link #abandon}s. */
        Object newWait();

        /**
         * Parks until {@code group}'s counter is zero (true), or until {@code wait} is abandoned
         * (false; at once if it already is). Cancellable by the caller's process's end as
         * {@code WaitGroup.await} is.
         */
        boolean await(Object group, Object wait);

        /** Ends {@code wait}'s {@link #await} on {@code group}, or the one to come; any thread; idempotent. */
        void abandon(Object group, Object wait);
    }

    private static volatile Access access;

    /** Called once, by the group class's static initialiser. */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("weft: WaitGroup access installed twice");
        }
        access = a;
    }

    /** The installed access. */
    public static Access access() {
        return access;
    }
}
