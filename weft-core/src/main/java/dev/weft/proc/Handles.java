package dev.weft.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's handle table: resources it owns, by number. {@link #open} takes ownership of a
 * resource; {@link #close} closes it; when the process ends, every handle still open is closed,
 * newest first, before {@link WeftProcess#waitFor} returns.
 *
 * <p>Exactly once: an entry leaves the table by one atomic {@code remove}, and only the thread
 * whose remove returned it closes the resource, whether that is a {@link #close} or the process's
 * end. Handles are numbered from 1 in opening order and never reused within a process. Each
 * entry records the security context that opened it ({@link SecurityContext#current()} of the
 * opener, impersonation included).
 */
public final class Handles {
    private record Entry(AutoCloseable resource, SecurityContext openedBy) {}

    private final WeftProcess owner;
    private final AtomicLong lastHandle = new AtomicLong();
    private final ConcurrentHashMap<Long, Entry> open = new ConcurrentHashMap<>();
    /** Set once when the process's end starts closing the table; no handle is opened after. */
    private volatile boolean closed;

    Handles(WeftProcess owner) {
        this.owner = owner;
    }

    /**
     * Takes ownership of {@code resource} and returns its handle.
     *
     * @throws NullPointerException if {@code resource} is null
     * @throws IllegalStateException if the process has ended; the resource is then not taken
     *     (unless the message says it was closed with the table, which a race with the end may do)
     */
    public long open(AutoCloseable resource) {
        Objects.requireNonNull(resource, "weft: open of a null resource");
        if (closed) {
            throw ended("the resource was not taken");
        }
        long h = lastHandle.incrementAndGet();
        open.put(h, new Entry(resource, SecurityContext.current()));
        // The end sets closed before it drains: either it sees this entry, or this sees closed.
        if (closed) {
            throw ended(open.remove(h) != null ? "the resource was not taken" : "the resource was closed with its handles");
        }
        return h;
    }

    private IllegalStateException ended(String what) {
        return new IllegalStateException("weft: " + owner.label() + " has ended and closed its handles; " + what);
    }

    /**
     * The resource of handle {@code h}, as a {@code type}.
     *
     * @throws IllegalArgumentException if {@code h} is not open (closed, or never opened here)
     * @throws ClassCastException if the resource is not a {@code type}
     */
    public <T> T get(long h, Class<T> type) {
        Objects.requireNonNull(type, "weft: handle type is null");
        Entry e = entry(h);
        if (!type.isInstance(e.resource())) {
            throw new ClassCastException("weft: handle " + h + " of " + owner.label() + " holds a "
                    + e.resource().getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(e.resource());
    }

    /** The effective security context of the thread that opened {@code h}. */
    public SecurityContext openedBy(long h) {
        return entry(h).openedBy();
    }

    private Entry entry(long h) {
        Entry e = open.get(h);
        if (e == null) {
            throw notOpen(h);
        }
        return e;
    }

    private IllegalArgumentException notOpen(long h) {
        return new IllegalArgumentException("weft: handle " + h + " of " + owner.label()
                + (h > 0 && h <= lastHandle.get() ? " is closed" : " was never opened"));
    }

    /**
     * Closes handle {@code h} and its resource.
     *
     * @throws IllegalArgumentException if {@code h} is not open
     * @throws HandleCloseException if the resource's close threw a checked exception (an
     *     {@code IOException} comes as an {@link UncheckedIOException}); unchecked ones propagate.
     *     The handle is closed either way.
     */
    public void close(long h) {
        Entry e = open.remove(h);
        if (e == null) {
            throw notOpen(h);
        }
        try {
            e.resource().close();
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (IOException x) {
            throw new UncheckedIOException("weft: closing handle " + h + " failed", x);
        } catch (Exception x) {
            throw new HandleCloseException(h, x);
        }
    }

    /** Handles open now. */
    public int size() {
        return open.size();
    }

    /**
     * The process's end: refuses new handles, then closes every open one, newest first, each
     * exactly once, and returns what their closes threw (nothing is lost, nothing stops the rest).
     */
    List<Throwable> closeAll() {
        closed = true;
        List<Throwable> failures = new ArrayList<>();
        while (!open.isEmpty()) { // an open racing the flag may add one more round
            List<Long> hs = new ArrayList<>(open.keySet());
            hs.sort((a, b) -> Long.compare(b, a));
            for (long h : hs) {
                Entry e = open.remove(h);
                if (e == null) {
                    continue; // closed by its owner meanwhile
                }
                try {
                    e.resource().close();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        }
        return failures;
    }
}
