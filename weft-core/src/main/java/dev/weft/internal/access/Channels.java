package dev.weft.internal.access;

/**
 * What a channel's users in other public packages may learn of it beyond its public API: the
 * runtime it belongs to, which a thread pool checks before it waits on the channel from its
 * manager (a synctest bubble's channel refuses use from outside its bubble, and the manager
 * would die of it). {@code Chan} installs the access from its static initialiser; a caller holds
 * a channel, so the class is initialised by then.
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
