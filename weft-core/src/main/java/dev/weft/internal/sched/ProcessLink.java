package dev.weft.internal.sched;

/**
 * What the scheduler knows of the process a goroutine belongs to (the public {@code dev.weft.proc}
 * implements it; this package never sees that type). A goroutine's {@link G#process} is null for the
 * root process, so a goroutine outside any process pays a null check at creation, exit and each
 * mount.
 *
 * <p>Protocol, all on the creating thread except {@link #left}: {@link #reserve} before the new G
 * runs (it may throw, and then nothing was reserved: a thread limit, or a process that is
 * exiting); then {@link #release} if creation failed, or {@link #joined} once the G is made and
 * linked, before its thread runs. {@link #left} comes once per G that reserved, after its body has
 * finished and after the runtime stopped counting it (for an adopted virtual thread, once its
 * carrier saw it terminate, from that carrier: it must not block or run user code). A spawn that
 * fails after {@code reserve} ends its G without running its body, so {@code left} may come
 * after a {@code joined} that threw part way, or none ({@code Goroutines.start}).
 */
public interface ProcessLink {
    /** Takes a thread slot for a goroutine about to be created; throws to refuse it. */
    void reserve();

    /** Gives back a slot {@link #reserve} took for a goroutine that was never created. */
    void release();

    /** {@code g} was created in a reserved slot; its thread has not started yet. */
    void joined(G g);

    /** {@code g}'s body has finished; its slot is free. */
    void left(G g);

    /**
     * The goroutine was just switched out for {@code reason} ({@link SwitchReason}) after running
     * {@code ranNanos} on a carrier; called by its M, so it must be cheap and never block.
     */
    void switched(int reason, long ranNanos);

    /** Whether {@code t} is this process's own unwinding, which is not a failure to report. */
    boolean isExit(Throwable t);

    /** The exception a cancelled member throws at its next wait or safe point. */
    RuntimeException cancellation();

    /** One line for goroutine dumps: pid, name, class and exit state. */
    String describe();
}
