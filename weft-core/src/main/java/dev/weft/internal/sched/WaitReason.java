package dev.weft.internal.sched;

/**
 * Why a goroutine is waiting, as shown in goroutine dumps (Go's {@code waitReason}). weft's
 * blocking primitives record one before they park; a park weft did not annotate (a JDK lock, a
 * socket, {@code Thread.sleep}) shows as {@link #JDK_PARK}.
 */
public enum WaitReason {
    NONE(""),
    JDK_PARK("park"),
    JOIN("goroutine join"),
    /** A nested {@code Weft.run} inside a goroutine, waiting for its main goroutine. */
    RUN_MAIN("run main"),
    CHAN_RECEIVE("chan receive"),
    CHAN_SEND("chan send"),
    CHAN_RECEIVE_NIL("chan receive (nil chan)"),
    CHAN_SEND_NIL("chan send (nil chan)"),
    SELECT("select"),
    SELECT_NO_CASES("select (no cases)"),
    SLEEP("sleep"),
    MUTEX_LOCK("sync.Mutex.Lock"),
    RWMUTEX_RLOCK("sync.RWMutex.RLock"),
    RWMUTEX_LOCK("sync.RWMutex.Lock"),
    WAITGROUP_WAIT("sync.WaitGroup.Wait"),
    COND_WAIT("sync.Cond.Wait"),
    SEMACQUIRE("semacquire"),
    ONCE("sync.Once.Do"),
    /** Synctest.await: waiting for every other goroutine of the bubble to block durably. */
    SYNCTEST_WAIT("synctest.Wait"),
    /**
     * {@code Goroutine.join(Duration)}: a wait that ends by itself, as a sleep does, so deadlock
     * detection never counts it (its clock is the JDK's, not a weft timer it could see). Last, so
     * that no other reason's ordinal (which trace buffers hold) moved when it was added.
     */
    JOIN_TIMED("goroutine join (timed)");

    private final String text;

    WaitReason(String text) {
        this.text = text;
    }

    /** The text Go prints in a dump, e.g. {@code chan receive}. */
    public String text() {
        return text;
    }

    private static final WaitReason[] BY_ORDINAL = values();

    /** The reason whose ordinal a G stores (a byte, see G's "Size"). */
    static WaitReason ofOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
