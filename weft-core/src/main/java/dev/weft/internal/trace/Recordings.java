package dev.weft.internal.trace;

import java.util.function.Function;

/**
 * How {@code Weft.startTrace} turns a {@link TraceSession} into the public
 * {@code dev.weft.trace.TraceRecording} without that class exposing a constructor that takes an
 * internal type (no internal type appears in a public signature): the public class registers its
 * private constructor here when it is initialised, as the JDK's shared secrets do.
 */
public final class Recordings {
    private Recordings() {}

    private static volatile Function<TraceSession, Object> factory;

    /** Called once, by the public class's static initialiser. */
    public static void install(Function<TraceSession, Object> f) {
        factory = f;
    }

    /** Wraps {@code s} in the public recording type {@code type}, initialising it first if needed. */
    public static <T> T wrap(TraceSession s, Class<T> type) {
        if (factory == null) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return type.cast(factory.apply(s));
    }
}
