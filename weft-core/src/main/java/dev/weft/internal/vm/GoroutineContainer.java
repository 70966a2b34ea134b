package dev.weft.internal.vm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The JDK thread container a runtime starts its goroutines in, instead of the JDK's root
 * container.
 *
 * <p><b>Why.</b> {@code Thread.start()} puts every virtual thread in the root container, which by
 * default ({@code jdk.trackAllThreads}) adds it to a {@code ConcurrentHashMap} at start and
 * removes it at exit, so that thread dumps can list it: a third of the samples of a spawn-and-join
 * profile, for the JDK's virtual threads and for weft's alike (docs/BENCHMARKS.md, the per-path
 * ledger). weft already keeps every live goroutine in its own registry (Go's {@code allgs}, for
 * {@code rt.dump()} and deadlock detection), so it tracks each goroutine twice. A container of
 * its own, whose start and exit hooks do nothing and whose thread list is read from that registry
 * when a dump asks, removes the second copy: {@code jcmd <pid> Thread.dump_to_file} then shows a
 * runtime's goroutines under a container named after the runtime, a child of the root.
 *
 * <p><b>How.</b> The JDK's container type ({@code jdk.internal.vm.ThreadContainer}) is in a
 * package no module outside {@code java.base} may use, and {@code VirtualThread.start(container)}
 * is package-private. The one door weft has is {@code --add-opens java.base/java.lang}: a full
 * lookup in {@code java.lang}, which may define a class in that package. So the subclass is
 * defined there, as {@code java.lang.WeftGoroutineContainer$v2}, from a class file generated with
 * the JDK's class-file API ({@link #CLASS_FILE}):
 * its constructor registers it with {@code ThreadContainers} (what makes dumps find it), its
 * {@code threads()} calls back a {@link Supplier} of weft's (a {@code java.base} type, so the
 * generated class refers to nothing outside {@code java.base}), and {@code close()} deregisters it.
 * Every goroutine of a runtime is started with {@code VirtualThread.start(thatContainer)}.
 *
 * <p>The threads' own container ({@code Thread.threadContainer}) is then the runtime's. The JDK
 * reads it in three places: scoped-value inheritance (only from an owned container; the root and
 * this one are both shared, so nothing changes), the exit hook (this one's does nothing), and
 * dumps. A thread a goroutine starts with the JDK's APIs still goes to the root container.
 */
public final class GoroutineContainer {
    private GoroutineContainer() {}

    private static final MethodHandle CREATE; // (String, Supplier) -> AutoCloseable
    private static final MethodHandle START;  // (Thread, AutoCloseable) -> void: VirtualThread.start(container)
    private static final Throwable FAILURE;

    static {
        MethodHandle create = null;
        MethodHandle start = null;
        Throwable failure = null;
        try {
            MethodHandles.Lookup inJavaLang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> containerType = Class.forName("jdk.internal.vm.ThreadContainer");
            Class<?> generated = containerClass(inJavaLang);
            create = inJavaLang.findConstructor(generated, MethodType.methodType(void.class, String.class, Supplier.class))
                    .asType(MethodType.methodType(AutoCloseable.class, String.class, Supplier.class));
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            start = MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup())
                    .findVirtual(virtualThread, "start", MethodType.methodType(void.class, containerType))
                    .asType(MethodType.methodType(void.class, Thread.class, AutoCloseable.class));
        } catch (Throwable e) {
            failure = e;
        }
        CREATE = create;
        START = start;
        FAILURE = failure;
    }

    /**
     * The generated class's name: a JVM may hold several copies of weft (two class loaders, two
     * versions), and the class lives in {@code java.base}, where each name is defined once. The
     * first copy defines it and the others use it: it refers to {@code java.base} types only, so it
     * serves them all. The suffix is this shape's: change it with the class file. (Its
     * {@code toString} is the JDK's, name and identity, so that two runtimes of one name stay
     * apart in a JSON thread dump.)
     */
    static final String CLASS_NAME = "WeftGoroutineContainer$v2";

    /**
     * The class file, made by the JDK's class-file API and shipped as a resource: generating it
     * when weft starts loaded that API's classes, 40 ms and more of the first runtime's start.
     * {@code GoroutineContainerClassTest} holds the generator and checks that the resource is
     * what it makes (and rewrites it with {@code -Dweft.regenerate=true}).
     */
    static final String CLASS_FILE = "WeftGoroutineContainer.classfile";

    private static byte[] classBytes() throws IOException {
        try (InputStream in = GoroutineContainer.class.getResourceAsStream(CLASS_FILE)) {
            if (in == null) {
                throw new IOException("no resource " + CLASS_FILE);
            }
            return in.readAllBytes();
        }
    }

    private static Class<?> containerClass(MethodHandles.Lookup inJavaLang) throws IllegalAccessException {
        try {
            return inJavaLang.findClass("java.lang." + CLASS_NAME);
        } catch (ClassNotFoundException absent) {
            try {
                return inJavaLang.defineClass(classBytes());
            } catch (IOException e) {
                throw new IllegalStateException("weft: " + CLASS_FILE + " is missing from weft-core's jar", e);
            } catch (LinkageError raced) { // another copy of weft defined it meanwhile
                try {
                    return inJavaLang.findClass("java.lang." + CLASS_NAME);
                } catch (ClassNotFoundException e) {
                    raced.addSuppressed(e);
                    throw raced;
                }
            }
        }
    }

    /**
     * A container named {@code name} whose live threads, when a dump asks, are {@code threads}'s;
     * registered with the JDK until {@link #close}.
     *
     * @throws VirtualThreads.HookUnavailableException if the flag is missing or this JDK's internals
     *     differ (the message says which)
     * @throws IllegalStateException if the class could not be defined (a damaged jar)
     */
    public static AutoCloseable create(String name, Supplier<Stream<Thread>> threads) {
        if (FAILURE instanceof ReflectiveOperationException) {
            throw new VirtualThreads.HookUnavailableException(FAILURE); // names the flag, or this JDK's difference
        }
        if (FAILURE != null) { // a damaged jar (the class file resource) or a JDK that refused the class
            throw new IllegalStateException("weft: cannot define its goroutine thread container in java.lang: "
                    + FAILURE, FAILURE);
        }
        try {
            return (AutoCloseable) CREATE.invokeExact(name, threads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("weft: could not create the goroutine container", t);
        }
    }

    /** Starts {@code virtualThread} (made by {@link VirtualThreads#newThread}) in {@code container}. */
    public static void start(Thread virtualThread, AutoCloseable container) {
        try {
            START.invokeExact(virtualThread, container);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("weft: the JDK refused to start a virtual thread", t);
        }
    }

    /** Takes {@code container} out of the JDK's registry: dumps no longer list it. */
    public static void close(AutoCloseable container) {
        try {
            container.close();
        } catch (Exception e) {
            throw new IllegalStateException("weft: could not deregister the goroutine container", e);
        }
    }
}
