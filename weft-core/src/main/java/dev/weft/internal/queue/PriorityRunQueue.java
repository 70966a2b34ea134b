package dev.weft.internal.queue;

import dev.weft.internal.util.SpinLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The run queue of the PRIORITY policy: one FIFO per level (0 lowest, 31 highest) and a 32-bit
 * ready bitmap, so the highest non-empty level is one {@code numberOfLeadingZeros}; plus, when
 * used as a P's local queue, a {@code runnext} slot. The same class serves as the global queue
 * (which never uses runnext).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Bit {@code L} of {@link #bitmap} is set iff level {@code L} (its list or its overflow)
 *       is non-empty.</li>
 *   <li>runnext holds only an element of at least the level of the best queued one: a put with
 *       {@code next} takes runnext only at or above every queued level (and the element it
 *       displaces goes to the tail of its level); a plain put above runnext's level demotes
 *       runnext to the head of its own level, where it keeps its turn.</li>
 *   <li>A P's queue is bounded per level ({@link #PriorityRunQueue(int)}): a level whose list
 *       holds {@code bound} elements when another is put at its tail moves its oldest half to
 *       the level's <em>overflow</em> list, which comes after the list in queue order (an
 *       empty list takes a batch of half the bound from it, as an empty FIFO ring takes one from
 *       the global queue; every {@link #OVERFLOW_FAIRNESS}th poll takes the overflow's head
 *       first), and from which thieves steal first. This is Go's {@code runqputslow} kept on
 *       the P: a spawning program runs depth-first, as under FIFO, instead of keeping every
 *       spawned goroutine alive at once, and no overflow takes the global queue's lock. A yield
 *       or an ended slice ({@link #putBehind}) goes behind the overflow too, so round robin
 *       among the level's yielders stays exact.</li>
 *   <li>Every element records when it was queued (or {@link #UNSTAMPED}, stamped when a scan
 *       first sees it), so that {@link #boostStarved} can find those that have waited too long.
 *       Moving between queues (a steal, a global batch, a drain) keeps that time: a starving
 *       goroutine does not restart its wait by being moved.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Unlike the FIFO policy's lock-free ring, everything happens under one {@link SpinLock} per
 * queue, held for a few array operations and never while calling out (the only call out,
 * {@link Leveled#boost}, is a field write). So any thread may put into a queue (the global one,
 * and a P's from afterRun, timers and sysmon's boosts). Moves between two queues never hold both
 * locks: steal and global batch copy into the destination's scratch arrays under the source's
 * lock, then insert under the destination's; drain and boost collect into lists; so there is no
 * lock order to respect. {@link #bestLevel} and {@link #isEmpty} read volatile summaries without the lock; a
 * stale answer is re-checked under the lock or covered by the scheduler's spinning protocol,
 * as for the FIFO queues.
 *
 * <p>The per-level arrays are circular and grow by doubling, so steady-state puts and polls do
 * not allocate.
 *
 * @param <E> element type (weft's G)
 */
public final class PriorityRunQueue<E extends PriorityRunQueue.Leveled> {
    public static final int LEVELS = 32;
    /** Most elements one steal or global batch moves (half a FIFO local ring, as Go). */
    public static final int MAX_BATCH = 128;

    /** What the queue needs from an element: its current level, and a way to raise it. */
    public interface Leveled {
        /** The level the element queues at now, 0..31. */
        int runLevel();

        /** The starvation guard raised the element to {@code level}, where it is now queued. */
        void boost(int level);
    }

    /**
     * Every {@code OVERFLOW_FAIRNESS}th poll of a level with an overflow takes the overflow's
     * head first, so that a level kept busy by new work still reaches its oldest (as the global
     * queue every 61st slice under FIFO).
     */
    static final int OVERFLOW_FAIRNESS = 64;

    private final SpinLock lock = new SpinLock();
    /*
     * Lists: index L (0..31) is level L's list, LEVELS + L its overflow; both circular, growing
     * by doubling. A level's queue order is its list, then its overflow.
     */
    private final Object[][] items = new Object[2 * LEVELS][];
    private final long[][] queuedAt = new long[2 * LEVELS][];
    private final int[] head = new int[2 * LEVELS];
    private final int[] count = new int[2 * LEVELS];
    /** Most elements a level's list holds before its oldest half overflows; MAX_VALUE: none. */
    private final int bound;
    /** Polls of a level with an overflow, for {@link #OVERFLOW_FAIRNESS}; under the lock. */
    private int overflowTick;
    /** Non-empty levels (list or overflow), one bit each; written under the lock. */
    private volatile int bitmap;
    /** Elements in the queue including runnext; written under the lock. */
    private volatile int size;
    private Object runnext;
    private long runnextQueuedAt;
    /** runnext's level, or -1 when empty; written under the lock, read racily by bestLevel. */
    private volatile int runnextLevel = -1;

    /*
     * Under the lock the three summaries above are written with release stores, not volatile
     * writes: a volatile write is a full fence, two or three per put and poll on the path of
     * every switch, and nothing needs one here. The lock-free readers (bestLevel, isEmpty, size)
     * are racy by design and load with acquire semantics; where a reader must not miss a put
     * (the publish-then-flag rule, the spinning protocol), the scheduler fences explicitly between
     * the put and its next load.
     */
    private static final VarHandle SIZE;
    private static final VarHandle BITMAP;
    private static final VarHandle RUNNEXT_LEVEL;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SIZE = l.findVarHandle(PriorityRunQueue.class, "size", int.class);
            BITMAP = l.findVarHandle(PriorityRunQueue.class, "bitmap", int.class);
            RUNNEXT_LEVEL = l.findVarHandle(PriorityRunQueue.class, "runnextLevel", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Scratch space for moves into this queue; used only by the thread that owns this queue as
    // a destination (a P's M stealing or taking a global batch), outside this queue's lock.
    private final Object[] scratch = new Object[MAX_BATCH];
    private final long[] scratchAt = new long[MAX_BATCH];

    /**
     * The queue time of an element not yet seen by {@link #boostStarved}, which stamps it with
     * the time of that first sighting: a caller that would otherwise read the clock on every put
     * (a switch pays two) passes this, and a starving element is then boosted at most one scan
     * later than with an exact time.
     */
    public static final long UNSTAMPED = Long.MIN_VALUE;

    /** An unbounded queue (the global queue's kind): one FIFO per level, no overflow. */
    public PriorityRunQueue() {
        this(Integer.MAX_VALUE);
    }

    /**
     * A queue whose levels overflow past {@code bound} elements (see the class comment): a P's
     * local queue, with {@code bound} the FIFO ring's capacity.
     */
    public PriorityRunQueue(int bound) {
        if (bound < 2) {
            throw new IllegalArgumentException("bound must be at least 2, got " + bound);
        }
        this.bound = bound;
    }

    /**
     * Queues {@code e} at the tail of its level, or in runnext (see the class comment), as queued
     * at {@code now} (or {@link #UNSTAMPED}).
     */
    public void put(E e, boolean next, long now) {
        int level = checkLevel(e.runLevel());
        lock.lock();
        // Failure-atomic where the caller's stack ends (a goroutine readying another: see
        // docs/notes/stack-end.md): e is queued, or the call threw with e in no queue and the
        // queue whole (a spill moves elements within it and is complete before the append that
        // may grow a ring), so Sched.ready knows where e is. After e's store, a release store
        // that overflows is redone as a plain volatile write, with values computed first.
        try {
            int newSize = size + 1;
            if (next && level >= topQueuedLevel() && level >= runnextLevel) {
                Object old = runnext;
                if (old != null) {
                    // Displaced: still queued, so one more in all. Queued first, since it may
                    // grow a ring (a call); until runnext is overwritten just below, with no
                    // call between, it is in both places under the lock, which no one sees.
                    enqueue(old, runnextLevel, runnextQueuedAt, false);
                }
                runnext = e;
                runnextQueuedAt = now;
                try {
                    RUNNEXT_LEVEL.setRelease(this, level);
                    SIZE.setRelease(this, newSize);
                } catch (VirtualMachineError err) {
                    runnextLevel = level;
                    size = newSize;
                }
                return;
            }
            enqueue(e, level, now, false);
            try {
                SIZE.setRelease(this, newSize);
            } catch (VirtualMachineError err) {
                size = newSize;
            }
            if (runnext != null && runnextLevel < level) {
                try {
                    demoteRunnext();
                } catch (VirtualMachineError err) {
                    // Thrown before it moved anything: runnext stays, above a better queued level
                    // until taken (pollRunnext takes it only at the best level).
                }
            }
        } finally {
            try {
                lock.unlock();
            } catch (VirtualMachineError err) {
                lock.held = 0; // see SpinLock#held
            }
        }
    }

    /**
     * Queues {@code e} behind every element of its level, its overflow included: a yield or an
     * ended slice (round robin). The same as a plain {@link #put} while the level has no
     * overflow.
     */
    public void putBehind(E e, long now) {
        int level = checkLevel(e.runLevel());
        lock.lock();
        try {
            if (count[level] >= bound) {
                spill(level); // first, so that the spilled, older elements stay ahead of e
            }
            append(count[LEVELS + level] > 0 ? LEVELS + level : level, e, now);
            SIZE.setRelease(this, size + 1);
            if (runnext != null && runnextLevel < level) {
                demoteRunnext();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The highest level holding an element (runnext included), or -1; racy. */
    public int bestLevel() {
        return Math.max(runnextLevel, 31 - Integer.numberOfLeadingZeros(bitmap));
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Elements queued outside runnext; a racy snapshot for statistics. */
    public int ringSize() {
        return Math.max(0, size - (runnextLevel >= 0 ? 1 : 0));
    }

    public boolean hasRunnext() {
        return runnextLevel >= 0;
    }

    /** Takes runnext if it is set and still at least the best queued level. */
    @SuppressWarnings("unchecked")
    public E pollRunnext() {
        if (runnextLevel < 0) {
            return null;
        }
        lock.lock();
        try {
            Object e = runnext;
            if (e == null) {
                return null;
            }
            if (runnextLevel < topQueuedLevel()) {
                demoteRunnext(); // a boost raised a queued element above it
                return null;
            }
            clearRunnext();
            SIZE.setRelease(this, size - 1);
            return (E) e;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the head of the highest non-empty level (not runnext), or null. */
    @SuppressWarnings("unchecked")
    public E poll() {
        if (bitmap == 0) {
            return null;
        }
        lock.lock();
        try {
            int level = topQueuedLevel();
            if (level < 0) {
                return null;
            }
            Object e;
            if (count[LEVELS + level] == 0) {
                e = dequeueList(level);
            } else if ((++overflowTick & (OVERFLOW_FAIRNESS - 1)) == 0) {
                e = dequeueList(LEVELS + level);
            } else {
                if (count[level] == 0) {
                    refill(level);
                }
                e = dequeueList(level);
            }
            SIZE.setRelease(this, size - 1);
            return (E) e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Global-queue side: takes a batch from this queue's highest level for {@code local}'s owner,
     * returning the first and queueing up to {@code min(n / procs + 1, MAX_BATCH) - 1} more in
     * {@code local} (Go's globrunqgetbatch, one level at a time).
     */
    @SuppressWarnings("unchecked")
    public E pollBatch(PriorityRunQueue<E> local, int procs) {
        if (bitmap == 0) {
            return null;
        }
        Object[] into = local.scratch;
        long[] intoAt = local.scratchAt;
        int n;
        lock.lock();
        try {
            int level = topQueuedLevel();
            if (level < 0) {
                return null;
            }
            int c = levelCount(level);
            n = Math.min(Math.min(c, c / Math.max(1, procs) + 1), MAX_BATCH);
            for (int i = 0; i < n; i++) {
                intoAt[i] = queuedAtOldest(level);
                into[i] = dequeueOldest(level);
            }
            SIZE.setRelease(this, size - n);
        } finally {
            lock.unlock();
        }
        return (E) local.insertScratch(n);
    }

    /**
     * Takes a batch from {@code from} (the PRIORITY policy's inbox of goroutines queued from
     * outside the runtime, {@code PriorityQueues}) for this queue's owner, as {@link #pollBatch}
     * does from the global queue: returns the first and queues the rest here, unstamped.
     */
    @SuppressWarnings("unchecked")
    public E pollBatchFrom(GlobalRunQueue<E> from, int procs) {
        int n = from.pollInto(scratch, procs, MAX_BATCH);
        for (int i = 0; i < n; i++) {
            scratchAt[i] = UNSTAMPED;
        }
        return (E) insertScratch(n);
    }

    /**
     * Thief side of work stealing, called by {@code thief}'s owner: moves half (rounded up) of
     * this queue's highest non-empty level into {@code thief}, oldest first (the level's overflow,
     * then its list), and returns one element to run.
     * With {@code stealRunnext} and no queued level, takes runnext instead, after the back-off
     * (a G just readied into runnext is usually about to run on its own P).
     */
    @SuppressWarnings("unchecked")
    public E stealInto(PriorityRunQueue<E> thief, boolean stealRunnext, long runnextBackoffNanos) {
        if (size == 0) {
            return null;
        }
        Object[] into = thief.scratch;
        long[] intoAt = thief.scratchAt;
        int n = 0;
        boolean backedOff = false;
        for (;;) {
            lock.lock();
            try {
                int level = topQueuedLevel();
                if (level >= 0) {
                    int c = levelCount(level);
                    n = Math.min(c - c / 2, MAX_BATCH);
                    for (int i = 0; i < n; i++) {
                        intoAt[i] = queuedAtOldest(level);
                        into[i] = dequeueOldest(level);
                    }
                    SIZE.setRelease(this, size - n);
                    break;
                }
                if (!stealRunnext || runnext == null) {
                    return null;
                }
                if (backedOff || runnextBackoffNanos <= 0) {
                    Object e = runnext;
                    clearRunnext();
                    SIZE.setRelease(this, size - 1);
                    return (E) e;
                }
            } finally {
                lock.unlock();
            }
            LocalRunQueue.backOff(runnextBackoffNanos); // a timed park: see there
            backedOff = true;
        }
        return (E) thief.insertScratch(n);
    }

    /**
     * Owner of this queue: queues scratch[1..n) at the tails of their levels and returns
     * scratch[0] (null if n is 0).
     */
    private Object insertScratch(int n) {
        if (n == 0) {
            return null;
        }
        Object first = scratch[0];
        scratch[0] = null;
        if (n > 1) {
            lock.lock();
            try {
                for (int i = 1; i < n; i++) {
                    @SuppressWarnings("unchecked") E e = (E) scratch[i];
                    enqueue(e, e.runLevel(), scratchAt[i], false);
                    scratch[i] = null;
                }
                SIZE.setRelease(this, size + (n - 1));
                if (runnext != null && runnextLevel < topQueuedLevel()) {
                    demoteRunnext();
                }
            } finally {
                lock.unlock();
            }
        }
        return first;
    }

    /**
     * Moves everything to the front of {@code to}'s levels, runnext first, keeping each level's
     * order and each element's queued time (used when a P stops or is retired). Returns how many.
     */
    public int drainTo(PriorityRunQueue<E> to) {
        List<Object> all = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        lock.lock();
        try {
            if (runnext != null) {
                all.add(runnext);
                at.add(runnextQueuedAt);
                clearRunnext();
            }
            for (int level = LEVELS - 1; level >= 0; level--) {
                while (levelCount(level) > 0) { // the list, then its overflow: queue order
                    at.add(queuedAtHead(level));
                    all.add(dequeue(level));
                }
            }
            SIZE.setRelease(this, 0);
        } finally {
            lock.unlock();
        }
        if (all.isEmpty()) {
            return 0;
        }
        to.lock.lock();
        try {
            // Backwards, each to the head of its level: the result keeps the drained order.
            for (int i = all.size() - 1; i >= 0; i--) {
                @SuppressWarnings("unchecked") E e = (E) all.get(i);
                to.enqueue(e, e.runLevel(), at.get(i), true);
            }
            SIZE.setRelease(to, to.size + all.size());
        } finally {
            to.lock.unlock();
        }
        return all.size();
    }

    /**
     * The starvation guard: every element below {@code boostLevel} queued before
     * {@code queuedBefore} is raised to {@code boostLevel} (told so through
     * {@link Leveled#boost}) and moves, in queue order, to the tail of that level in
     * {@code into}: this queue itself, or another (a P's starved goroutines go to the global
     * queue, where every P sees them). An element put {@link #UNSTAMPED} is stamped {@code now}
     * instead, its first sighting. Returns how many moved.
     */
    public int boostStarved(long now, long queuedBefore, int boostLevel, PriorityRunQueue<E> into) {
        checkLevel(boostLevel);
        if (size == 0) {
            return 0;
        }
        int moved = 0;
        List<Object> away = into == this ? null : new ArrayList<>();
        List<Long> awayAt = into == this ? null : new ArrayList<>();
        lock.lock();
        try {
            if (runnext != null && runnextQueuedAt == UNSTAMPED) {
                runnextQueuedAt = now;
            } else if (runnext != null && runnextLevel < boostLevel && runnextQueuedAt - queuedBefore < 0) {
                @SuppressWarnings("unchecked") E e = (E) runnext;
                e.boost(boostLevel);
                if (away == null) {
                    RUNNEXT_LEVEL.setRelease(this, boostLevel);
                } else {
                    away.add(e);
                    awayAt.add(runnextQueuedAt);
                    clearRunnext();
                }
                moved++;
            }
            for (int below = bitmap & ((1 << boostLevel) - 1); below != 0; ) {
                int level = 31 - Integer.numberOfLeadingZeros(below); // non-empty levels, top down
                below &= ~(1 << level);
                for (int list = level; list < 2 * LEVELS; list += LEVELS) { // list, overflow: queue order
                    int c = count[list];
                    if (c == 0) {
                        continue;
                    }
                    Object[] ring = items[list];
                    long[] at = queuedAt[list];
                    int mask = ring.length - 1;
                    int h = head[list];
                    // Compact the level in place, moving the starved to the boost level's tail.
                    int kept = 0;
                    for (int i = 0; i < c; i++) {
                        int from = (h + i) & mask;
                        Object e = ring[from];
                        long t = at[from];
                        ring[from] = null;
                        boolean starvedNow = t != UNSTAMPED && t - queuedBefore < 0;
                        if (t == UNSTAMPED) {
                            t = now; // first seen now: kept, with this time
                        }
                        if (starvedNow) {
                            @SuppressWarnings("unchecked") E starved = (E) e;
                            starved.boost(boostLevel);
                            if (away == null) {
                                enqueue(starved, boostLevel, t, false);
                            } else {
                                away.add(starved);
                                awayAt.add(t);
                            }
                            moved++;
                        } else {
                            int to = (h + kept) & mask;
                            ring[to] = e;
                            at[to] = t;
                            kept++;
                        }
                    }
                    count[list] = kept;
                    if (levelCount(level) == 0) {
                        BITMAP.setRelease(this, bitmap & ~(1 << level));
                    }
                }
            }
            if (away != null) {
                SIZE.setRelease(this, size - away.size());
            }
            if (runnext != null && runnextLevel < topQueuedLevel()) {
                demoteRunnext();
            }
        } finally {
            lock.unlock();
        }
        if (away != null && !away.isEmpty()) {
            into.lock.lock();
            try {
                for (int i = 0; i < away.size(); i++) {
                    into.enqueue(away.get(i), boostLevel, awayAt.get(i), false);
                }
                SIZE.setRelease(into, into.size + away.size());
                if (into.runnext != null && into.runnextLevel < boostLevel) {
                    into.demoteRunnext();
                }
            } finally {
                into.lock.unlock();
            }
        }
        return moved;
    }

    // ---------------------------------------------------------------------------------------
    // Under the lock

    private int topQueuedLevel() {
        return 31 - Integer.numberOfLeadingZeros(bitmap);
    }

    /** Elements of a level, its list and its overflow. */
    private int levelCount(int level) {
        return count[level] + count[LEVELS + level];
    }

    /**
     * Appends (or, with {@code atHead}, prepends) to a level's list; does not touch {@link #size}.
     * An append to a full list first moves the list's oldest half to the level's overflow.
     */
    private void enqueue(Object e, int level, long at, boolean atHead) {
        if (atHead) {
            prepend(level, e, at);
        } else {
            if (count[level] >= bound) {
                spill(level);
            }
            append(level, e, at);
        }
    }

    /** Moves the oldest half of a level's list to the tail of its overflow (runqputslow). */
    private void spill(int level) {
        move(level, LEVELS + level, count[level] / 2); // the level's bit stays set
    }

    /**
     * An empty list takes a batch from the head of its overflow, as a P's empty FIFO ring takes
     * one from the global queue: a goroutine readied meanwhile queues behind the batch, not
     * ahead of the whole overflow (a joiner woken by each task it joins in turn would otherwise
     * run, and park, once per task). The queue order does not change.
     */
    private void refill(int level) {
        move(LEVELS + level, level, Math.min(count[LEVELS + level], Math.max(1, bound / 2)));
    }

    /** Moves n elements from the head of list {@code from} to the tail of list {@code to}. */
    private void move(int from, int to, int n) {
        while (items[to] == null || count[to] + n > items[to].length) {
            grow(to);
        }
        // One pass with everything in locals: every goroutine a spawning program queues past
        // the bound takes part in a spill.
        Object[] src = items[from];
        long[] srcAt = queuedAt[from];
        Object[] dst = items[to];
        long[] dstAt = queuedAt[to];
        int srcMask = src.length - 1;
        int dstMask = dst.length - 1;
        int h = head[from];
        int t = head[to] + count[to];
        for (int i = 0; i < n; i++) {
            int f = (h + i) & srcMask;
            int d = (t + i) & dstMask;
            dst[d] = src[f];
            dstAt[d] = srcAt[f];
            src[f] = null;
        }
        head[from] = (h + n) & srcMask;
        count[from] -= n;
        count[to] += n; // both lists are of one level: its bit stays set
    }

    private void append(int list, Object e, long at) {
        Object[] ring = items[list];
        int c = count[list];
        if (ring == null || c == ring.length) {
            ring = grow(list);
        }
        // The bit before the stores: setBit is a call, and a StackOverflowError at its entry
        // (which its own handler cannot catch) after them would leave the element queued by a
        // put that threw (Sched.ready then queues it again; a displaced runnext would be in two
        // places). Plain stores follow, which cannot throw; under the lock no taker sees the bit
        // before the element, and a racy bestLevel sees a put that is completing.
        setBit(list);
        int slot = (head[list] + c) & (ring.length - 1);
        ring[slot] = e;
        queuedAt[list][slot] = at;
        count[list] = c + 1;
    }

    private void prepend(int list, Object e, long at) {
        Object[] ring = items[list];
        int c = count[list];
        if (ring == null || c == ring.length) {
            ring = grow(list);
        }
        setBit(list); // before the stores, as in append
        int slot = (head[list] - 1) & (ring.length - 1);
        head[list] = slot;
        ring[slot] = e;
        queuedAt[list][slot] = at;
        count[list] = c + 1;
    }

    private void setBit(int list) {
        int bit = 1 << (list & (LEVELS - 1));
        if ((bitmap & bit) == 0) {
            int b = bitmap | bit;
            try {
                BITMAP.setRelease(this, b);
            } catch (VirtualMachineError err) {
                bitmap = b; // the stores follow: it must not throw now (put)
            }
        }
    }

    /** The list a level's next element in queue order comes from: its list, else its overflow. */
    private int headList(int level) {
        return count[level] > 0 ? level : LEVELS + level;
    }

    /** The list a level's oldest element comes from, for moves: its overflow, else its list. */
    private int oldestList(int level) {
        return count[LEVELS + level] > 0 ? LEVELS + level : level;
    }

    private long queuedAtHead(int level) {
        int list = headList(level);
        return queuedAt[list][head[list]];
    }

    private long queuedAtOldest(int level) {
        int list = oldestList(level);
        return queuedAt[list][head[list]];
    }

    /** Takes the next element of a non-empty level in queue order. */
    private Object dequeue(int level) {
        return dequeueList(headList(level));
    }

    private Object dequeueOldest(int level) {
        return dequeueList(oldestList(level));
    }

    private Object dequeueList(int list) {
        Object[] ring = items[list];
        int h = head[list];
        Object e = ring[h];
        ring[h] = null;
        head[list] = (h + 1) & (ring.length - 1);
        int c = count[list] - 1;
        count[list] = c;
        int level = list & (LEVELS - 1);
        if (c == 0 && levelCount(level) == 0) {
            BITMAP.setRelease(this, bitmap & ~(1 << level));
        }
        return e;
    }

    private Object[] grow(int list) {
        Object[] old = items[list];
        int c = count[list];
        int cap = old == null ? 8 : old.length * 2;
        Object[] ring = new Object[cap];
        long[] at = new long[cap];
        if (old != null) {
            long[] oldAt = queuedAt[list];
            int mask = old.length - 1;
            for (int i = 0; i < c; i++) {
                ring[i] = old[(head[list] + i) & mask];
                at[i] = oldAt[(head[list] + i) & mask];
            }
        }
        items[list] = ring;
        queuedAt[list] = at;
        head[list] = 0;
        return ring;
    }

    /** runnext goes to the head of its level: a higher element arrived, it keeps its turn there. */
    private void demoteRunnext() {
        enqueue(runnext, runnextLevel, runnextQueuedAt, true); // throws only before its stores
        runnext = null; // no call between: the element is in one place
        try {
            RUNNEXT_LEVEL.setRelease(this, -1);
        } catch (VirtualMachineError err) {
            runnextLevel = -1;
        }
    }

    private void clearRunnext() {
        runnext = null;
        RUNNEXT_LEVEL.setRelease(this, -1);
    }

    private static int checkLevel(int level) {
        if (level < 0 || level >= LEVELS) {
            throw new IllegalArgumentException("priority level must be 0..31, got " + level);
        }
        return level;
    }
}
