package dev.weft.internal.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One recording: the runtimes it covers (one for {@code Weft.startTrace}, every runtime of the
 * JVM for {@code -Dweft.trace}), the time it began, its writer and its file. {@link #stop}
 * detaches every runtime (from then on their hooks see no trace and record nothing), takes the
 * buffers as they are, and writes the file once; later stops return the first one's result.
 */
public final class TraceSession {
    /**
     * Whole events a carrier buffer has room for unless {@code -Dweft.trace.buffer} says otherwise:
     * 2 MiB each (switches and wake-ups, packed, take a quarter to three quarters of a whole event).
     */
    public static final int DEFAULT_CAPACITY = 1 << 16;
    /** The most whole events a buffer can have room for: its words must fit one array. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / TraceBuffer.WORDS;

    private final Path file;
    private final TraceWriter writer;
    private final int capacity;
    /**
     * {@link TraceClock#now} at the start: the origin of the buffers' raw times. Read first: the
     * first read initialises the clock (100 ms and more for the counter's mapping), which must not
     * fall inside the recording.
     */
    private final long startTicks = TraceClock.now();
    /** Nanoseconds per {@link TraceClock} unit (0 until {@link #scale} measures it). */
    private volatile double nanosPerTick;
    private final long startEpochMillis = System.currentTimeMillis();
    private final List<RuntimeTrace> runtimes = new ArrayList<>();
    private boolean stopped;
    private long stopNanos;
    /** The first stop's write failure (an IOException, or what a broken writer threw), or null. */
    private Throwable failure;
    /** Opened once the first stop's write has ended, well or not. */
    private final CountDownLatch written = new CountDownLatch(1);

    public TraceSession(Path file, TraceWriter writer, int capacity) {
        if (file == null) {
            throw new NullPointerException("weft: trace file is null");
        }
        TraceClock.checkConfiguration();
        if (capacity < 16) {
            throw new IllegalArgumentException("weft: a trace buffer needs room for at least 16 events, got " + capacity);
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("weft: a trace buffer has room for at most " + MAX_CAPACITY
                    + " events, got " + capacity);
        }
        this.file = file;
        this.writer = writer;
        this.capacity = capacity;
    }

    /** The buffer size {@code -Dweft.trace.buffer} asks for (events per carrier), or the default. */
    public static int configuredCapacity() {
        String s = System.getProperty("weft.trace.buffer");
        if (s == null || s.isBlank()) {
            return DEFAULT_CAPACITY;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weft: -Dweft.trace.buffer=" + s + " is not a number of events", e);
        }
    }

    /**
     * Adds a runtime; {@code install} publishes its {@link RuntimeTrace} to the scheduler (and
     * throws if another recording holds it); {@code detach} removes it at stop. Returns null if
     * the recording has already stopped.
     */
    public synchronized RuntimeTrace attach(String name, int procs, Consumer<RuntimeTrace> install,
                                           Consumer<RuntimeTrace> detach) {
        if (stopped) {
            return null;
        }
        RuntimeTrace rt = new RuntimeTrace(this, name, runtimes.size(), procs, detach);
        install.accept(rt);
        runtimes.add(rt);
        return rt;
    }

    /**
     * Stops recording and writes the file (once). A stop while another writes, or after it,
     * waits for that write and rethrows its failure, if any: every stop returns normally only
     * once the file is written.
     */
    public void stop() throws IOException {
        List<RuntimeTrace> rts;
        synchronized (this) {
            if (stopped) {
                rts = null;
            } else {
                stopped = true;
                long stopTicks = TraceClock.now();
                scale(); // the clock's rate, fixed now unless a read made while it ran fixed it already
                stopNanos = toNanos(stopTicks - startTicks); // on the events' timeline
                rts = List.copyOf(runtimes);
            }
        }
        if (rts == null) {
            awaitWritten();
            Throwable f;
            synchronized (this) {
                f = failure;
            }
            if (f instanceof IOException e) {
                throw e;
            }
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            return;
        }
        try {
            for (RuntimeTrace rt : rts) {
                rt.detach();
            }
            writer.write(this, file);
        } catch (IOException | RuntimeException | Error e) {
            // Kept whatever it is: a later stop must not report a file that was never written
            // as written (a writer's bug, a missing dependency of its, used to be forgotten).
            synchronized (this) {
                failure = e;
            }
            throw e;
        } finally {
            for (RuntimeTrace rt : rts) {
                for (TraceBuffer b : rt.buffers()) {
                    b.releaseDecoded(); // carriers keep their last buffer: not its decoded copy too
                }
            }
            written.countDown();
        }
    }

    /** Waits for the first stop's write to end; an interrupt meanwhile is kept for the caller. */
    private void awaitWritten() {
        boolean interrupted = false;
        for (;;) {
            try {
                written.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    public Path file() {
        return file;
    }

    public int capacity() {
        return capacity;
    }

    /** The clock's reading at the start, subtracted from every event's (see {@link TraceClock}). */
    long startTicks() {
        return startTicks;
    }

    /**
     * A time relative to the start in {@link TraceClock} units, in nanoseconds; never negative (a
     * counter read on another CPU, unordered, may come a few ns before the start's).
     */
    long toNanos(long ticks) {
        double scale = nanosPerTick;
        return Math.max(0, Math.round(ticks * (scale != 0 ? scale : scale())));
    }

    /**
     * Nanoseconds per clock unit, measured the first time it is needed (at stop; earlier only
     * where a test reads a buffer while it records) and fixed from then on, so that every time of
     * the recording is converted alike.
     */
    private synchronized double scale() {
        if (nanosPerTick == 0) {
            nanosPerTick = TraceClock.nanosPerTick();
        }
        return nanosPerTick;
    }

    /** Wall-clock time the recording began, for the file's metadata. */
    public long startEpochMillis() {
        return startEpochMillis;
    }

    /** Length of the recording in ns (0 while it runs). */
    public synchronized long durationNanos() {
        return stopNanos;
    }

    public synchronized List<RuntimeTrace> runtimes() {
        return List.copyOf(runtimes);
    }

    /** Events lost to full buffers, over every runtime. */
    public long dropped() {
        long n = 0;
        for (RuntimeTrace rt : runtimes()) {
            for (TraceBuffer b : rt.buffers()) {
                n += b.dropped();
            }
        }
        return n;
    }
}
