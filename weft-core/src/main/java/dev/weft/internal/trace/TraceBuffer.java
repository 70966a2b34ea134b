package dev.weft.internal.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A fixed-size buffer of trace events, preallocated as two {@code long[]}s (a small stage and the
 * buffer proper: see Staging below). A carrier (M) owns one
 * per recording and is its only writer: the scheduler loop and the goroutines it runs write in
 * program order, with no lock and no allocation. Threads without an M of the runtime (sysmon,
 * platform threads, ONE_TO_ONE goroutines, the JDK's unparkers) share one buffer per runtime and
 * write it under its monitor ({@link #addShared}): that path is not hot.
 *
 * <p><b>Encoding.</b> The writer appends words; the readers (the trace writer, once the recording
 * has stopped) see events of four words, {@link TraceEvent}'s time, header, a and b, decoded from
 * them. An event is written whole ({@link #add}: a header word with the kind in its low byte, then
 * time, a and b) or, for the four events of every switch and wake-up, in a compact form that
 * leaves out what the buffer's own history implies:
 * <ul>
 *   <li>a wake-up or creation by the goroutine now running on the carrier: one word (kind, P, the
 *       goroutine woken or created; the waker is the running goroutine, the time untimed);</li>
 *   <li>a stop: three words (kind, P, reason and the identity hash of what it waits on; the time;
 *       the goroutine and its wait reason), or one (kind, P, reason, wait reason and the time since
 *       the buffer's last timed event) when the goroutine stopping is the one running and waits on
 *       one of the last two different things stops waited on (a ping-pong's two goroutines wait on one
 *       channel, or each on its own; an ending goroutine waits on nothing);</li>
 *   <li>a start right after a stop (the carrier found the goroutine at once in its P's runnext
 *       or local queue): one word (kind, P, goroutine; the time is the stop's, the carrier
 *       the buffer's);</li>
 *   <li>any other start: two words (the same, and the time).</li>
 * </ul>
 * "The goroutine now running", the last timed event's time and the last stop's blocker are state
 * the writer keeps ({@code cur}: set by a start, cleared by a stop; {@code lastTime};
 * {@code lastHash} and {@code prevHash}, the last two different blockers) and the decoder rebuilds
 * by the same rules; an event whose fields do not fit a
 * compact form (a goroutine id past 2^40, a P past 65,534, a waker that is not the running
 * goroutine, a time more than 2^32 clock units after the last) is written whole or in a longer
 * form. A ping-pong switch writes 3 words where four whole events took 12: the stores into a
 * buffer larger than the caches cost a recording as much as its clock reads.
 *
 * <p><b>Time.</b> Timed events read {@link TraceClock} once; a wake-up or creation made by the
 * goroutine on a carrier reads no clock ({@link #addUntimed}: {@link EventTimes} gives it a time
 * when the file is written), and a start right after a stop takes the stop's time: the clock costs
 * as much as the rest of an event, and a switch is a few hundred ns.
 *
 * <p><b>Staging.</b> Events are written first into a small array that stays in the carrier's
 * caches ({@link #STAGE_WORDS} words), and copied to the big array in one {@code arraycopy}
 * when it is full. Written straight into the big array, each event's store went to a cache line
 * that was not in any cache, and the next locked instruction of the switch (a status CAS) waited
 * for that line to come from memory: about a quarter of what a recording cost a ping-pong (the
 * ledger, docs/BENCHMARKS.md). A copy of many lines at once streams instead.
 *
 * <p><b>Readers</b> see the flushed words followed by the staged ones. A flush moves words from
 * one array to the other, so it is a sequence lock: {@link #seq} is odd while it runs, and a
 * reader copies the staged words and retries if {@code seq} changed meanwhile (as
 * {@code StampedLock}'s optimistic reads do). Outside flushes the count of staged words is
 * published with a release store after each event's words, so a reader sees whole events. Words
 * flushed are never written again: the decoded events only grow, and an index stays valid.
 *
 * <p><b>Full buffers.</b> The big array holds {@code capacity} whole events' words. When an event
 * does not fit, it and every later one are dropped and counted: memory stays bounded, the decoded
 * events are a prefix of those recorded, and the file says how many were lost; an event a carrier
 * adds after the writer's snapshot is simply not written.
 */
public final class TraceBuffer {
    /** Words of a decoded event: time, header, a, b. */
    static final int WORDS = 4;
    /**
     * The time word of an event recorded without reading the clock ({@link #addUntimed}); no
     * clock reading relative to a start is this far from it.
     */
    public static final long UNTIMED = Long.MIN_VALUE;

    // Codes of the compact forms, in the first word's low byte (0 to TraceEvent.COUNT - 1: whole).
    private static final int C_UNBLOCK = 64;
    private static final int C_CREATE = 65;
    private static final int C_STOP = 66;
    private static final int C_START_AFTER_STOP = 67;
    private static final int C_START = 68;
    private static final int C_STOP_SHORT = 69;
    /** {@link #C_STOP_SHORT} on the blocker of the stop before the last one (two goroutines on two channels). */
    private static final int C_STOP_SHORT_PREV = 70;
    /** The blocker hash's bits of a stop's wait word. */
    private static final long HASH_BITS = 0xFFFF_FFFF_0000_0000L;
    /** Largest goroutine id of a one-word form (40 bits beside the code and P). */
    private static final long MAX_SHORT_GOID = (1L << 40) - 1;
    /** Largest P + 1 of a compact form (16 bits). */
    private static final int MAX_SHORT_P = 0xFFFF - 1;

    /**
     * Words staged before a flush: 16 KB, which stays in a carrier's level-1 or level-2 cache
     * beside the scheduler's own data; a flush of that much is a few microseconds.
     */
    static final int STAGE_WORDS = 2048;

    private static final VarHandle POS;
    private static final VarHandle SEQ;
    private static final VarHandle DROPPED;
    static {
        if (TraceEvent.COUNT > C_UNBLOCK) { // a whole event's kind must never read as a compact code
            throw new ExceptionInInitializerError("weft: " + TraceEvent.COUNT + " event kinds overlap the compact codes");
        }
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            POS = l.findVarHandle(TraceBuffer.class, "pos", int.class);
            SEQ = l.findVarHandle(TraceBuffer.class, "seq", int.class);
            DROPPED = l.findVarHandle(TraceBuffer.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RuntimeTrace owner;
    /**
     * The flushed words: room for the buffer's capacity of whole events, until {@link #compact}
     * keeps only those written.
     */
    private long[] data;
    /** The words written since the last flush (see the class comment). */
    private final long[] stage;
    private final String track;
    private final int mid;
    /** The recording's start ({@link TraceClock#now}), copied here to spare a load per event. */
    private final long origin;
    /** Words staged, published with a release store after each event. */
    private int pos;
    /** Words flushed to {@link #data}; written only inside a flush. */
    private int flushed;
    /** The flushes' sequence lock: odd while one runs (class comment). */
    private int seq;
    /** Words the stage may be filled to: its length, less if {@link #data} has less room left, 0 once full. */
    private int limit;
    /** Set when an event was dropped: every later one is dropped too, so what is kept is a prefix. */
    private boolean full;
    private long dropped;
    /** Writer state the decoder rebuilds: the goroutine whose run the last start began (0: none). */
    private long cur;
    /** Writer state the decoder rebuilds: the time of the last timed event (0: none yet). */
    private long lastTime;
    /** Writer state the decoder rebuilds: the last stop's blocker hash, in the high 32 bits (0 at first). */
    private long lastHash;
    /** Writer state the decoder rebuilds: the blocker hash before {@link #lastHash} that differs from it. */
    private long prevHash;
    /**
     * Writer state: {@link #pos} right after the last stop (-1: none since the last flush). Positions
     * only grow between flushes, so it equals {@code pos} only while that stop is the last event.
     */
    private int stopEnd = -1;
    /** Readers' decoded copy of the words written so far (rebuilt if more were written since). */
    private Decoded decoded;

    TraceBuffer(RuntimeTrace owner, String track, int mid, int capacity) {
        this(owner, track, mid, capacity, STAGE_WORDS);
    }

    /** With a stage of {@code stageWords} (tests: a small one flushes often). */
    TraceBuffer(RuntimeTrace owner, String track, int mid, int capacity, int stageWords) {
        this.owner = owner;
        this.track = track;
        this.mid = mid;
        this.origin = owner.session().startTicks();
        this.data = new long[capacity * WORDS];
        this.stage = new long[Math.min(stageWords, data.length)];
        this.limit = stage.length;
    }

    /** The runtime trace this buffer belongs to: a carrier compares it to find a stale buffer. */
    public RuntimeTrace owner() {
        return owner;
    }

    // ---------------------------------------------------------------------------------------
    // Writing (owner thread only, except addShared)

    /** An event stamped with the clock, written whole. */
    public void add(int kind, int p, int c, long a, long b) {
        putWhole(TraceClock.now() - origin, kind, p, c, a, b);
    }

    /**
     * {@link #add} without reading the clock, for a {@link TraceEvent#GO_CREATE} or
     * {@link TraceEvent#GO_UNBLOCK} made by the goroutine running on the carrier ({@code b}: the
     * maker). Its time is {@link #UNTIMED} here; {@link EventTimes} gives it the time of this
     * buffer's next timed event (an upper bound: the clock read later in program order), or the
     * target goroutine's next start if that came first. A carrier buffer only: the shared one has
     * many writers.
     */
    public void addUntimed(int kind, int p, int c, long a, long b) {
        if (b == cur && c == 0 && a >= 0 && a <= MAX_SHORT_GOID && p >= -1 && p < MAX_SHORT_P
                && (kind == TraceEvent.GO_UNBLOCK || kind == TraceEvent.GO_CREATE)) {
            int n = pos;
            if (n + 1 > limit && (n = makeRoom(1)) < 0) {
                return;
            }
            stage[n] = (kind == TraceEvent.GO_UNBLOCK ? C_UNBLOCK : C_CREATE) | (p + 1L) << 8 | a << 24;
            POS.setRelease(this, n + 1);
            return;
        }
        putWhole(UNTIMED, kind, p, c, a, b);
    }

    /**
     * A {@link TraceEvent#GO_STOP} of goroutine {@code g} for {@code reason}, stamped with the
     * clock; {@code waitWord}: the event's b (the identity hash of what it waits on in the high 32
     * bits, the wait reason in the low ones).
     */
    public void stop(int p, int reason, long g, long waitWord) {
        // Kept small enough for C2 to inline into the switch (the whole method, 353 bytecodes,
        // was past its limit for hot calls: a call on every traced switch): the one-word form
        // here, every other form out of line.
        long now = TraceClock.now() - origin;
        long delta = now - lastTime;
        int n = pos;
        long hash = waitWord & HASH_BITS;
        if (g == cur && (hash == lastHash || hash == prevHash) && (delta >>> 32) == 0
                && (reason & ~0x7) == 0 && (waitWord & 0xFFFF_FFE0L) == 0 && p >= -1 && p < MAX_SHORT_P
                && n + 1 <= limit) {
            // The short form: the running goroutine (so its id is implied) stops, waiting on what
            // one of the last two stops waited on (a ping-pong's goroutines wait on one channel,
            // or each on its own), soon after the last timed event.
            putShortStop(n, now, delta, p, reason, waitWord);
            return;
        }
        stopLonger(now, delta, p, reason, g, waitWord);
    }

    /** Writes the one-word stop at {@code n}: its blocker is {@link #lastHash} or {@link #prevHash}. */
    private void putShortStop(int n, long now, long delta, int p, int reason, long waitWord) {
        long hash = waitWord & HASH_BITS;
        int code = C_STOP_SHORT;
        if (hash != lastHash) {
            code = C_STOP_SHORT_PREV;
            prevHash = lastHash;
            lastHash = hash;
        }
        stage[n] = code | (p + 1L) << 8 | (long) reason << 24 | (waitWord & 0x1F) << 27 | delta << 32;
        cur = 0;
        lastTime = now;
        stopEnd = n + 1;
        POS.setRelease(this, n + 1);
    }

    /** {@link #stop}'s other forms, stamped {@code now} ({@code delta} after the last timed event). */
    private void stopLonger(long now, long delta, int p, int reason, long g, long waitWord) {
        if (g >= 0 && g <= MAX_SHORT_GOID && p >= -1 && p < MAX_SHORT_P && (reason & ~0xFF) == 0
                && (waitWord & 0xFFFF_FF00L) == 0) {
            long hash = waitWord & HASH_BITS;
            if (g == cur && (hash == lastHash || hash == prevHash) && (delta >>> 32) == 0 && (reason & ~0x7) == 0
                    && (waitWord & 0xE0) == 0) {
                // The short form with the stage full (stop's own test failed on the room only).
                int n = pos;
                if (n + 1 > limit && (n = makeRoom(1)) < 0) {
                    return;
                }
                putShortStop(n, now, delta, p, reason, waitWord);
                return;
            }
            int n = pos;
            if (n + 3 > limit && (n = makeRoom(3)) < 0) {
                return;
            }
            long[] d = stage;
            d[n] = C_STOP | (p + 1L) << 8 | (long) reason << 24 | hash;
            d[n + 1] = now;
            d[n + 2] = g << 8 | (waitWord & 0xFF);
            cur = 0;
            lastTime = now;
            rememberHash(hash);
            stopEnd = n + 3;
            POS.setRelease(this, n + 3);
            return;
        }
        putWhole(now, TraceEvent.GO_STOP, p, reason, g, waitWord);
    }

    /**
     * A {@link TraceEvent#GO_START} of goroutine {@code g} on this buffer's carrier. With
     * {@code afterStop} (the carrier found {@code g} at once after its previous run: no spin,
     * steal or park between) it takes the time of the stop just written, if that is this
     * buffer's last event, instead of reading the clock: the moment between the two is the
     * scheduler's own few hundred ns.
     */
    public void start(int p, long g, boolean afterStop) {
        if (g >= 0 && g <= MAX_SHORT_GOID && p >= -1 && p < MAX_SHORT_P) {
            int n = pos;
            boolean chained = afterStop && stopEnd == n;
            int words = chained ? 1 : 2;
            if (n + words > limit && (n = makeRoom(words)) < 0) {
                return;
            }
            long w = (p + 1L) << 8 | g << 24;
            if (chained) {
                stage[n] = C_START_AFTER_STOP | w;
            } else {
                long[] d = stage;
                long now = TraceClock.now() - origin;
                d[n] = C_START | w;
                d[n + 1] = now;
                lastTime = now;
            }
            cur = g;
            POS.setRelease(this, n + words);
            return;
        }
        add(TraceEvent.GO_START, p, mid, g, 0);
    }

    /** The blocker history after a stop on {@code hash} (the decoder applies the same rule). */
    private void rememberHash(long hash) {
        if (hash != lastHash) {
            prevHash = lastHash;
            lastHash = hash;
        }
    }

    /** Appends one whole event with the time given, or drops and counts it when full. */
    private void putWhole(long time, int kind, int p, int c, long a, long b) {
        int n = pos;
        if (n + 4 > limit && (n = makeRoom(4)) < 0) {
            return;
        }
        long[] d = stage;
        d[n] = TraceEvent.header(kind, p, c);
        d[n + 1] = time;
        d[n + 2] = a;
        d[n + 3] = b;
        if (time != UNTIMED) {
            lastTime = time;
        }
        if (kind == TraceEvent.GO_START) {
            cur = a;
        } else if (kind == TraceEvent.GO_STOP) {
            cur = 0;
            rememberHash(b & HASH_BITS);
            stopEnd = n + 4;
        }
        POS.setRelease(this, n + 4);
    }

    /**
     * The cold path of an event of {@code words} words that does not fit the stage: flushes the
     * stage and returns where the event goes (0), or drops and counts it (-1) when the buffer is
     * full.
     */
    private int makeRoom(int words) {
        if (!full) {
            int n = pos;
            if (n > 0) {
                int s = seq;
                try {
                    flush(n);
                } catch (VirtualMachineError e) {
                    // An overflow (a goroutine at the end of its stack waking another) or an
                    // OutOfMemoryError inside the flush. No call here: seq even again (flushed
                    // and pos are each stored after the words they cover, so they agree with
                    // what moved), and the buffer takes nothing more, so what it keeps is a
                    // prefix and no reader waits for ever.
                    seq = s + 2;
                    full = true;
                    limit = 0;
                    dropped++;
                    return -1;
                }
            }
            int left = data.length - flushed;
            int room = left < stage.length ? left : stage.length; // no call between the flush and the limit
            if (words <= room) {
                limit = room;
                return 0;
            }
            full = true;
            limit = 0;
        }
        DROPPED.setRelease(this, dropped + 1);
        return -1;
    }

    /** Moves the {@code n} staged words to {@link #data}, under the sequence lock. */
    private void flush(int n) {
        int s = seq;
        SEQ.setOpaque(this, s + 1);
        VarHandle.storeStoreFence(); // the odd seq before any word moves
        System.arraycopy(stage, 0, data, flushed, n);
        flushed += n;
        pos = 0;
        // Positions restart at 0, so no earlier stop may match a later position. (A start chained
        // to a stop that ended the stage decided so before this flush, and the decoder reads
        // across the two arrays.)
        stopEnd = -1;
        SEQ.setRelease(this, s + 2);
    }

    /**
     * Once its runtime's carriers have stopped: keeps only the words written, and room for
     * {@code slackWords} more (the shared buffer: late wake-ups from other threads, which
     * {@link #addShared} writes under this monitor too); past that, events are dropped and
     * counted as in a full buffer. A closed runtime's buffers otherwise held their preallocated
     * megabytes until the recording's file was written (every runtime of a program, under
     * {@code -Dweft.trace}). Moves words as a flush does, under the sequence lock. Cold: the
     * writing methods never read {@link #data}.
     */
    synchronized void compact(int slackWords) {
        int n = pos;
        int s = seq;
        SEQ.setOpaque(this, s + 1);
        VarHandle.storeStoreFence(); // the odd seq before any word moves
        int kept = flushed + n;
        long[] d = Arrays.copyOf(data, Math.min(data.length, kept + (full ? 0 : slackWords)));
        System.arraycopy(stage, 0, d, flushed, n);
        data = d;
        flushed = kept;
        pos = 0;
        stopEnd = -1;
        int left = d.length - kept;
        limit = full ? 0 : Math.min(left, stage.length);
        SEQ.setRelease(this, s + 2);
    }

    /** Any thread: {@link #add} under this buffer's monitor (the shared buffer of a runtime). */
    public synchronized void addShared(int kind, int p, int c, long a, long b) {
        add(kind, p, c, a, b);
    }

    /** The track name, e.g. {@code M3}, or {@code other} for the shared buffer. */
    public String track() {
        return track;
    }

    /** Words of memory this buffer holds (both arrays): what a recording costs, for tests. */
    public synchronized long heldWords() {
        return (long) data.length + stage.length;
    }

    /** The carrier's id, or -1 for the shared buffer. */
    public int mid() {
        return mid;
    }

    // ---------------------------------------------------------------------------------------
    // Reading (once the recording has stopped, or in tests between events)

    /** Events written so far (acquire: every word of each is visible). */
    public int size() {
        return view().count;
    }

    public long dropped() {
        return (long) DROPPED.getAcquire(this);
    }

    /**
     * Time of event {@code i} in ns since the recording began, or {@link #UNTIMED}: a writer
     * takes the times from {@link EventTimes#resolve} instead.
     */
    public long time(int i) {
        long t = view().events[i * WORDS];
        return t == UNTIMED ? UNTIMED : owner.session().toNanos(t);
    }

    public long header(int i) {
        return view().events[i * WORDS + 1];
    }

    public long a(int i) {
        return view().events[i * WORDS + 2];
    }

    public long b(int i) {
        return view().events[i * WORDS + 3];
    }

    /**
     * The decoded events of the words published so far; decoded again only if more were written.
     * A snapshot under the flushes' sequence lock (class comment).
     */
    private Decoded view() {
        Decoded d = decoded;
        for (;;) {
            int s = (int) SEQ.getAcquire(this);
            if ((s & 1) != 0) { // a flush is moving words: a few microseconds
                Thread.onSpinWait();
                continue;
            }
            int f = flushed;
            int n = (int) POS.getAcquire(this);
            long[] flushedWords = data; // replaced by a compaction (under the lock, like a flush)
            long[] staged = d != null && d.words == f + n ? null : Arrays.copyOf(stage, n);
            VarHandle.acquireFence(); // the reads above before seq is read again
            if ((int) SEQ.getOpaque(this) != s) {
                continue;
            }
            if (staged != null) {
                d = decode(flushedWords, f, staged, mid);
                decoded = d;
            }
            return d;
        }
    }

    /**
     * Drops the readers' decoded copy (up to four words an event, more than the buffer itself):
     * the recording's writer calls it once the file is written, since a carrier keeps its last
     * buffer until the next recording.
     */
    void releaseDecoded() {
        decoded = null;
    }

    /** Events as four words each (time, header, a, b), and how many words were published when decoded. */
    private record Decoded(long[] events, int count, int words) {}

    /**
     * Rebuilds whole events from the {@code f} flushed words followed by the staged ones, by the
     * writer's rules (class comment). Both hold whole events (a flush happens between two). A
     * word that is no event's first (only a second writer, a bug, could leave one) ends the events
     * decoded there, rather than misreading every later one.
     */
    private static Decoded decode(long[] data, int f, long[] staged, int mid) {
        int inData = wholeWords(data, f);
        int inStage = inData == f ? wholeWords(staged, staged.length) : 0;
        Decoder dec = new Decoder(count(data, inData) + count(staged, inStage), mid);
        dec.decode(data, inData);
        dec.decode(staged, inStage);
        return new Decoded(dec.out, dec.out.length / WORDS, f + staged.length);
    }

    /** The first {@code words} words' prefix made of whole events. */
    private static int wholeWords(long[] d, int words) {
        int end = 0;
        while (end < words) {
            int len = length(d[end]);
            if (len == 0 || end + len > words) {
                break;
            }
            end += len;
        }
        return end;
    }

    /** Events in the first {@code words} words, which hold whole events. */
    private static int count(long[] d, int words) {
        int count = 0;
        for (int i = 0; i < words; i += length(d[i])) {
            count++;
        }
        return count;
    }

    /** The decoder's output and the writer state it rebuilds, carried from one segment to the next. */
    private static final class Decoder {
        final long[] out;
        final int mid;
        long cur;
        long lastTime;
        long lastHash;
        long prevHash;
        int o;

        Decoder(int events, int mid) {
            this.out = new long[events * WORDS];
            this.mid = mid;
        }

        void decode(long[] d, int words) {
            for (int i = 0; i < words; i += length(d[i]), o += WORDS) {
                long w = d[i];
                int code = (int) (w & 0xFF);
                int p = (int) ((w >>> 8) & 0xFFFF) - 1;
                long g = w >>> 24;
                switch (code) {
                    case C_UNBLOCK, C_CREATE -> {
                        out[o] = UNTIMED;
                        out[o + 1] = TraceEvent.header(code == C_UNBLOCK ? TraceEvent.GO_UNBLOCK : TraceEvent.GO_CREATE, p, 0);
                        out[o + 2] = g;
                        out[o + 3] = cur;
                    }
                    case C_STOP -> {
                        lastTime = d[i + 1];
                        out[o] = lastTime;
                        out[o + 1] = TraceEvent.header(TraceEvent.GO_STOP, p, (int) ((w >>> 24) & 0xFF));
                        out[o + 2] = d[i + 2] >>> 8;
                        out[o + 3] = (w & HASH_BITS) | (d[i + 2] & 0xFF);
                        rememberHash(w & HASH_BITS);
                        cur = 0;
                    }
                    case C_STOP_SHORT, C_STOP_SHORT_PREV -> {
                        if (code == C_STOP_SHORT_PREV) {
                            rememberHash(prevHash);
                        }
                        lastTime += w >>> 32;
                        out[o] = lastTime;
                        out[o + 1] = TraceEvent.header(TraceEvent.GO_STOP, p, (int) ((w >>> 24) & 0x7));
                        out[o + 2] = cur;
                        out[o + 3] = lastHash | ((w >>> 27) & 0x1F);
                        cur = 0;
                    }
                    case C_START_AFTER_STOP, C_START -> {
                        if (code == C_START) {
                            lastTime = d[i + 1];
                        }
                        out[o] = lastTime;
                        out[o + 1] = TraceEvent.header(TraceEvent.GO_START, p, mid);
                        out[o + 2] = g;
                        out[o + 3] = 0;
                        cur = g;
                    }
                    default -> { // whole
                        int kind = TraceEvent.kind(w);
                        out[o] = d[i + 1];
                        out[o + 1] = w;
                        out[o + 2] = d[i + 2];
                        out[o + 3] = d[i + 3];
                        if (d[i + 1] != UNTIMED) {
                            lastTime = d[i + 1];
                        }
                        if (kind == TraceEvent.GO_START) {
                            cur = d[i + 2];
                        } else if (kind == TraceEvent.GO_STOP) {
                            cur = 0;
                            rememberHash(d[i + 3] & HASH_BITS);
                        }
                    }
                }
            }
        }

        /** {@link TraceBuffer#rememberHash}'s rule. */
        private void rememberHash(long hash) {
            if (hash != lastHash) {
                prevHash = lastHash;
                lastHash = hash;
            }
        }
    }

    /** Words of the event whose first word is {@code w}, or 0 if it is no event's first word. */
    private static int length(long w) {
        int code = (int) (w & 0xFF);
        return switch (code) {
            case C_UNBLOCK, C_CREATE, C_START_AFTER_STOP, C_STOP_SHORT, C_STOP_SHORT_PREV -> 1;
            case C_START -> 2;
            case C_STOP -> 3;
            default -> code < TraceEvent.COUNT ? 4 : 0;
        };
    }
}
