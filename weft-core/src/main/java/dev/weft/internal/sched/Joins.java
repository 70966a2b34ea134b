package dev.weft.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Waiting for a goroutine to end ({@code Goroutine.join}) with weft's own wait, not the JDK's
 * termination latch.
 *
 * <p><b>Why.</b> {@code Thread.join} on a virtual thread that still runs makes the thread a
 * {@code CountDownLatch} (the latch, its queue synchroniser and a queue node per waiter) and
 * waits in it; the thread's end counts it down. A fork-join program joins almost every goroutine
 * it forks while that goroutine is still queued or running, so that is paid once per task. Here a
 * join costs one small node and a CAS, and the joined goroutine's M wakes the joiners when it
 * marks the goroutine DEAD, with a volatile read or two per exit when nobody joins.
 *
 * <p><b>Protocol.</b> The joined G's {@link G.Rare} holds a stack of {@link Node}s, or
 * {@link #EXITED} once its end has taken them. A joiner:
 * <ol>
 *   <li>returns if the thread is not alive;</li>
 *   <li>pushes its node with a CAS, unless it finds {@code EXITED} (then it is done);</li>
 *   <li>re-checks the end ({@link #ended}): the exiting side may have looked for joiners before
 *       the push (or before the side object existed) and found none;</li>
 *   <li>otherwise parks until its node is signalled or the end is seen.</li>
 * </ol>
 * The exiting side: the G's M, in {@code Sched.afterRun}, marks the G DEAD with a CAS once its
 * virtual thread has terminated (the JDK wrote TERMINATED on the carrier as the continuation
 * ended), then reads the G's side object and its stack (volatile reads) and, if a node is there,
 * swaps {@code EXITED} in and signals every node it took. Each side writes (the push; DEAD)
 * before it reads what the other writes (DEAD; the side object and the stack), all with
 * volatile accesses, so at least one of them sees the other: no joiner is left parked after the
 * end, and none returns before it. A ONE_TO_ONE goroutine's own platform thread does the same
 * at the end of its {@code run}, with a volatile store of DEAD; its thread is alive a few
 * instructions longer, so such a joiner then waits for that with {@code Thread.join}, which no
 * longer blocks on anything but those instructions. So a join is a weft wait under every
 * model, which deadlock detection can see (a {@code Thread.join} of a platform thread is a
 * monitor wait it cannot).
 *
 * <p>Nothing that could throw stands between the DEAD mark and the taking of the joiners. A
 * node's wait is a {@link WaitCompletion} (signalled, or the end seen), so a goroutine joiner's
 * wake-up lost to an error in the wake itself is recovered by sysmon under M:N and N:1 (sysmon
 * skips ONE_TO_ONE goroutines, and a platform thread has no G to record the wait in). A joiner
 * whose process ends marks its node cancelled and takes it off the top of the stack if it is
 * still there, or else out of the chain below ({@link #unlinkCancelled}); pushes drop cancelled
 * nodes they find on top, and the end skips any left, so joiners that left do not pile up on a
 * goroutine that lives on.
 *
 * <p><b>Not covered</b> ({@link #covers}): an adopted thread, one user code started with the
 * JDK's APIs inside a goroutine; its handles (dumps, processes) keep {@code Thread.join}.
 */
public final class Joins {
    private Joins() {}

    /** The stack's value once the goroutine's end has taken its joiners: later pushes fail. */
    private static final Object EXITED = new Object();

    static final VarHandle JOINERS;
    private static final VarHandle NEXT;
    static {
        try {
            JOINERS = MethodHandles.lookup().findVarHandle(G.Rare.class, "joiners", Object.class);
            NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One joiner waiting: its thread, and whether the joined goroutine's end has signalled it. */
    private static final class Node implements WaitCompletion {
        final Thread waiter;
        final G joined;
        /**
         * The next older node of the stack: written before the push, and after it only to unlink
         * a cancelled node below ({@link #unlinkCancelled}, a CAS); volatile for those readers.
         */
        volatile Node next;
        volatile boolean signalled;
        /** Its joiner has left (its process ended): pushes drop it, and the end wakes nobody for it. */
        volatile boolean cancelled;

        Node(Thread waiter, G joined) {
            this.waiter = waiter;
            this.joined = joined;
        }

        @Override
        public boolean completed() {
            return signalled || ended(joined);
        }
    }

    /**
     * What the joiner's re-check reads: the G's DEAD mark, which the exiting side writes before
     * it reads the joiners (a CAS by the M, or a volatile store by a ONE_TO_ONE goroutine's own
     * thread). A virtual thread has already terminated by then; a platform thread is alive a few
     * instructions longer.
     */
    static boolean ended(G g) {
        return g.status == GStatus.DEAD;
    }

    /** Whether {@link #join} may wait for {@code g} (see "Not covered" above). */
    public static boolean covers(G g) {
        return !g.adopted();
    }

    /**
     * Parks the caller until {@code g}'s thread has ended ({@link #covers} must hold). An interrupt
     * does not end the wait; the caller's interrupt status is kept. If the caller's process ends
     * meanwhile, throws its exit exception.
     */
    public static void join(G g) {
        if (!g.thread.isAlive()) {
            return;
        }
        G self = Sched.currentG();
        Node node = new Node(Parking.currentWaiter(), g);
        G.Rare r = g.rareVolatile(); // volatile, whoever made it (a dump may have): see the protocol
        if (r == null) {
            r = g.rare();
        }
        boolean interrupted = false;
        for (;;) {
            Object head = JOINERS.getVolatile(r);
            if (head == EXITED) {
                break;
            }
            Node below = (Node) head;
            while (below != null && below.cancelled) {
                below = below.next; // joiners that left: dropped here, so they do not pile up
            }
            node.next = below;
            if (JOINERS.compareAndSet(r, head, node)) {
                while (!node.completed()) {
                    boolean cancel = Parking.park(self, g, WaitReason.JOIN, g.sched, node);
                    interrupted |= Thread.interrupted();
                    if (cancel) {
                        node.cancelled = true;
                        if (!JOINERS.compareAndSet(r, node, node.next)) { // still on top: off at once
                            unlinkCancelled(r); // under a joiner that stays: taken out of the chain
                        }
                        throw ProcessSupport.cancellation();
                    }
                }
                break;
            }
        }
        if (g.kernelThread()) {
            interrupted |= awaitThreadEnd(g.thread);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Unlinks the cancelled nodes below the top of {@code r}'s stack, each by a CAS of its
     * predecessor's {@code next}. A race with another unlinker can leave a cancelled node in the
     * chain (the end skips it), never take a live one out: a link only ever moves past a node
     * already cancelled, which no joiner waits on.
     */
    private static void unlinkCancelled(G.Rare r) {
        if (!(JOINERS.getVolatile(r) instanceof Node pred)) {
            return; // empty, or the end took them
        }
        for (Node cur = pred.next; cur != null; cur = pred.next) {
            if (cur.cancelled) {
                NEXT.compareAndSet(pred, cur, cur.next); // failed: another unlinker moved it on
            } else {
                pred = cur;
            }
        }
    }

    /**
     * A ONE_TO_ONE goroutine's platform thread after its DEAD mark: its last instructions, so
     * that the joiner, as with a virtual thread, finds it no longer alive. Returns whether the
     * caller was interrupted meanwhile (kept for the caller, as in the wait above).
     */
    private static boolean awaitThreadEnd(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /**
     * Wakes {@code g}'s joiners; called right after {@code g} was marked DEAD (by its M, or for a
     * ONE_TO_ONE goroutine by its own thread with a volatile store). A volatile read or two when
     * nobody joined, as for an adopted G, which nobody joins here ({@link #covers}).
     */
    static void exited(G g) {
        G.Rare r = g.rareVolatile();
        if (r == null || JOINERS.getVolatile(r) == null) {
            return;
        }
        Object head = JOINERS.getAndSet(r, EXITED);
        for (Node n = head instanceof Node first ? first : null; n != null; n = n.next) {
            if (n.cancelled) {
                continue; // its joiner has left
            }
            n.signalled = true;
            try {
                Parking.wake(n.waiter);
            } catch (StackOverflowError | OutOfMemoryError e) {
                // wake has queued this joiner for a later wake-up (the next one, or sysmon's):
                // the M goes on to the others rather than leave its loop with the error.
            }
        }
    }
}
