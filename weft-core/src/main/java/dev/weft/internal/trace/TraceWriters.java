package dev.weft.internal.trace;

import java.util.ServiceLoader;

/** Finds the {@link TraceWriter} on the class path, or says which artifact is missing. */
public final class TraceWriters {
    private TraceWriters() {}

    /** The artifact that provides the writer, named in the exception when it is absent. */
    public static final String ARTIFACT = "dev.weft:weft-trace";

    /** The first writer {@code loader} sees. */
    public static TraceWriter load(ClassLoader loader) {
        for (TraceWriter w : ServiceLoader.load(TraceWriter.class, loader)) {
            return w;
        }
        throw new IllegalStateException("weft: tracing needs a trace writer, and none is on the class or module path: add"
                + " the artifact " + ARTIFACT + " (the same version as weft-core) to the application's dependencies");
    }

    /** The first writer of weft-core's own class loader (the application's class path). */
    public static TraceWriter load() {
        return load(TraceWriters.class.getClassLoader());
    }
}
