package dev.weft.internal.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-size buffer of trace events, preallocated as one {@code long[]} (four words an event,
 * see {@link TraceEvent}). A carrier (M) owns one per recording and is its only writer: the
 * scheduler loop and the goroutines it runs write in program order, with no lock and no
 * allocation. Threads without an M of the runtime (sysmon, platform threads, ONE_TO_ONE
 * goroutines, the JDK's unparkers) share one buffer per runtime and write it under its monitor
 * ({@link #addShared}): that path is not hot.
 *
 * <p>Most events read the clock ({@link #add}); a creation or wake-up made by the goroutine on a
 * carrier does not ({@link #addUntimed}), and a start right after a stop reuses the stop's time
 * ({@link #addAfterStop}): the clock costs as much as the rest of an event, and a switch is a few
 * hundred ns. {@link EventTimes} says what time the untimed events get.
 *
 * <p>When the buffer is full, events are dropped and counted: memory stays bounded and the file
 * says how many were lost. The count of events is published with a release store after the event's
 * words, so the writer, which reads it with an acquire load once the recording stops, sees whole
 * events; an event a carrier adds after that snapshot is simply not written.
 */
public final class TraceBuffer {
    static final int WORDS = 4;
    /** The time word of an event recorded without reading the clock ({@link #addUntimed}). */
    public static final long UNTIMED = -1;
    private static final VarHandle COUNT;
    private static final VarHandle DROPPED;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(TraceBuffer.class, "count", int.class);
            DROPPED = l.findVarHandle(TraceBuffer.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RuntimeTrace owner;
    private final long[] data;
    private final int capacity;
    private final String track;
    private final int mid;
    /** The recording's start ({@code System.nanoTime}), copied here to spare a load per event. */
    private final long origin;
    private int count;
    private long dropped;

    TraceBuffer(RuntimeTrace owner, String track, int mid, int capacity) {
        this.owner = owner;
        this.track = track;
        this.mid = mid;
        this.origin = owner.session().startNanos();
        this.capacity = capacity;
        this.data = new long[capacity * WORDS];
    }

    /** The runtime trace this buffer belongs to: a carrier compares it to find a stale buffer. */
    public RuntimeTrace owner() {
        return owner;
    }

    /** Owner thread only: an event stamped with the clock. */
    public void add(int kind, int p, int c, long a, long b) {
        put(System.nanoTime() - origin, kind, p, c, a, b);
    }

    /** Owner thread only: appends one event with the time given, or drops and counts it when full. */
    private void put(long time, int kind, int p, int c, long a, long b) {
        int n = count;
        if (n == capacity) {
            DROPPED.setRelease(this, dropped + 1);
            return;
        }
        int i = n * WORDS;
        long[] d = data;
        d[i] = time;
        d[i + 1] = TraceEvent.header(kind, p, c);
        d[i + 2] = a;
        d[i + 3] = b;
        COUNT.setRelease(this, n + 1);
    }

    /**
     * Owner thread only: {@link #add} without reading the clock, for a {@link TraceEvent#GO_CREATE}
     * or {@link TraceEvent#GO_UNBLOCK} made by the goroutine running on the carrier. Its time is
     * {@link #UNTIMED} here; {@link EventTimes} gives it the time of this buffer's next timed event
     * (an upper bound: the clock read later in program order), or the target goroutine's next
     * start if that came first. A carrier buffer only: the shared one has many writers.
     */
    public void addUntimed(int kind, int p, int c, long a, long b) {
        put(UNTIMED, kind, p, c, a, b);
    }

    /**
     * Owner thread only: {@link #add}, stamped with the time of the buffer's last event if that
     * was a {@link TraceEvent#GO_STOP} (else the clock's). For a run that directly follows the
     * previous one on the same carrier (a runnext hand-off): the clock costs as much as the rest
     * of an event, and the moment between the two is the scheduler's own few hundred ns.
     */
    public void addAfterStop(int kind, int p, int c, long a, long b) {
        int n = count;
        if (n == 0 || n == capacity || TraceEvent.kind(data[(n - 1) * WORDS + 1]) != TraceEvent.GO_STOP) {
            add(kind, p, c, a, b);
            return;
        }
        put(data[(n - 1) * WORDS], kind, p, c, a, b);
    }

    /** Any thread: {@link #add} under this buffer's monitor (the shared buffer of a runtime). */
    public synchronized void addShared(int kind, int p, int c, long a, long b) {
        add(kind, p, c, a, b);
    }

    /** The track name, e.g. {@code M3}, or {@code other} for the shared buffer. */
    public String track() {
        return track;
    }

    /** The carrier's id, or -1 for the shared buffer. */
    public int mid() {
        return mid;
    }

    /** Events written so far (acquire: every word of each is visible). */
    public int size() {
        return (int) COUNT.getAcquire(this);
    }

    public long dropped() {
        return (long) DROPPED.getAcquire(this);
    }

    /**
     * Time of event {@code i} in ns since the recording began, or {@link #UNTIMED}: a writer
     * takes the times from {@link EventTimes#resolve} instead.
     */
    public long time(int i) {
        return data[i * WORDS];
    }

    public long header(int i) {
        return data[i * WORDS + 1];
    }

    public long a(int i) {
        return data[i * WORDS + 2];
    }

    public long b(int i) {
        return data[i * WORDS + 3];
    }
}
