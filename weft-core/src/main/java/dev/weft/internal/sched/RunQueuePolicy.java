package dev.weft.internal.sched;

/**
 * The seam between the scheduler and its scheduling policy: where a runnable G is queued, which
 * queue an M looks at first, and what happens when a G leaves its carrier still runnable. One
 * implementation per {@code SchedulingPolicy}:
 * <ul>
 *   <li>{@link FifoQueues}: Go's, a lock-free ring plus runnext per P and one global FIFO;</li>
 *   <li>{@link PriorityQueues}: 32 levels per P and globally, the highest ready level runs, a
 *       higher-priority G that becomes ready preempts the lowest running one, round robin within
 *       a level, and a starvation guard.</li>
 *   <li>{@link SeededQueues}: a synctest bubble's, every choice drawn from its seed.</li>
 * </ul>
 * A runtime holds exactly one for its life, so every call site sees one receiver class and the
 * JIT inlines it. Each implementation touches only its own queue fields of {@link P}
 * ({@code runq} or {@code prq}); nothing else in the scheduler reads those fields except through
 * P's three racy size helpers.
 */
sealed interface RunQueuePolicy permits FifoQueues, PriorityQueues, SeededQueues {

    /**
     * Queues {@code g}, just CASed to RUNNABLE, and wakes whoever must run it. {@code mine} is the
     * caller's P when the caller is one of this runtime's Ms holding a usable P (else null);
     * {@code fromGoroutine} says whether the caller is a goroutine running there (runnext) rather
     * than the M itself (the local tail).
     */
    void ready(G g, P mine, boolean fromGoroutine);

    /**
     * {@code g} left its carrier still runnable (RUNNABLE_MOUNTED, now RUNNABLE): requeue it.
     * {@code yielded}: a {@code Thread.yield} (Gosched, or a preemption at a safe point), else a
     * park whose wake-up came in flight; {@code preempted}: that yield was a preemption (a slice
     * end, or a higher priority). {@code p} is the M's P, or null if it lost it.
     */
    void requeue(G g, P p, boolean yielded, boolean preempted);

    /** The M is about to mount {@code g}, taken from a queue (PRIORITY re-flags the lowest runner). */
    void mounting(G g);

    /** {@code g} just left its carrier (PRIORITY: a starvation boost decays one level per run). */
    void ran(G g);

    /**
     * At the top of findRunnable, before p's own queue: the global queue's turn (every 61st slice
     * under FIFO; under PRIORITY also whenever it holds a higher level than p). Null if not.
     */
    G pollGlobalFirst(P p, M m);

    /** The next G from p's own queue for p's M: runnext (inheriting the slice), else the queue. */
    G runqGet(P p, M m);

    /** A batch from the global queue into p's queue; returns the first G, or null. */
    G pollGlobalBatch(P p);

    /** Steals about half of {@code victim}'s queue into {@code thief}'s; returns one G or null. */
    G steal(P thief, P victim, boolean stealRunnext, long backoffNanos);

    /** Queues g at the tail of the global queue. */
    void putGlobal(G g);

    boolean globalEmpty();

    int globalSize();

    /** Moves all of p's queue to the front of the global queue. */
    void drainToGlobal(P p);

    /**
     * Sysmon, with the guard on: boosts Gs queued since before {@code now} minus the bound.
     * Returns how many were boosted (always 0 under FIFO, whose guard is never on).
     */
    int boostStarved(long now);

    /**
     * Whether sysmon fires due timers itself when every P is busy: under PRIORITY the G a timer
     * readies may outrank a running one, which must be asked to yield now.
     */
    boolean firesTimersWhenBusy();
}
