package dev.weft.internal.access;

/**
 * What a channel's users in other public packages may learn of it or do with it beyond its public
 * API: the runtime it belongs to, which a thread pool checks before it waits on the channel from
 * its manager (a synctest bubble's channel refuses use from outside its bubble, and the manager
 * would die of it); and a context's done channel, receive-only to users (Go's
 * {@code Done() <-chan struct{}}), which only its context closes. {@code Chan} installs the access
 * from its static initialiser: a caller that holds a channel finds it installed; one that makes
 * channels through it initialises {@code Chan} first ({@code MethodHandles.Lookup.ensureInitialized}).
 */
public final class Channels {
    private Channels() {}

    /** What the channel class offers. */
    public interface Access {
        /**
         * The runtime token of {@code chan} (the {@code Parking.callerRuntime()} of its maker;
         * {@code Bubble.isBubble} tells whether it is a synctest bubble's).
         */
        Object runtimeOf(Object chan);

        /**
         * A new context's done channel: unbuffered, belonging to the caller's runtime as
         * {@code Chan.make()}'s does; a send on it and a close of it by users are refused.
         */
        Object makeDone();

        /**
         * The context's close of its done channel {@code chan} (a synctest bubble's refusal
         * included, as a user's close of any of the bubble's channels).
         */
        void closeDone(Object chan);
    }

    private static volatile Access access;

    /** Called once, by the channel class's static initialiser. */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("weft: channel access installed twice");
        }
        access = a;
    }

    /** The installed access. */
    public static Access access() {
        return access;
    }
}
