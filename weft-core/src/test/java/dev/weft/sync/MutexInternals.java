package dev.weft.sync;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reflective access to a {@link Mutex}'s state word and its {@link Sema}, for the tests that play
 * an interleaving step by step: they set the word as a stalled CAS left it and call the slow
 * paths late, which no public operation can do.
 */
final class MutexInternals {
    private MutexInternals() {}

    static int state(Mutex m) {
        try {
            return field(Mutex.class, "state").getInt(m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static void setState(Mutex m, int state) {
        try {
            field(Mutex.class, "state").setInt(m, state);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static Sema sema(Mutex m) {
        try {
            return (Sema) field(Mutex.class, "sema").get(m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The semaphore's units not yet taken. */
    static AtomicLong count(Sema sema) {
        try {
            return (AtomicLong) field(Sema.class, "count").get(sema);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The semaphore's queued waiters, ghosts included. */
    static int nwait(Sema sema) {
        try {
            return ((AtomicInteger) field(Sema.class, "nwait").get(sema)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Calls one of the mutex's private methods (no argument, or one int), rethrowing what it throws. */
    static Object invoke(Mutex m, String name, Object... args) throws Throwable {
        Method method = args.length == 0
                ? Mutex.class.getDeclaredMethod(name)
                : Mutex.class.getDeclaredMethod(name, int.class);
        method.setAccessible(true);
        try {
            return method.invoke(m, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
