package dev.weft.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One runtime's part of a recording: its carriers' buffers (created on a carrier's first event,
 * the one allocation a carrier makes for a recording) and the shared buffer of its other
 * threads. The scheduler holds it in a volatile field while the recording runs, which is the one
 * check every hook makes; {@link TraceSession#stop} clears that field through {@link #detach}.
 */
public final class RuntimeTrace {
    private final TraceSession session;
    private final String name;
    private final int index;
    private final int procs;
    private final Consumer<RuntimeTrace> detach;
    private final TraceBuffer shared;
    private final List<TraceBuffer> carriers = new ArrayList<>();

    RuntimeTrace(TraceSession session, String name, int index, int procs, Consumer<RuntimeTrace> detach) {
        this.session = session;
        this.name = name;
        this.index = index;
        this.procs = procs;
        this.detach = detach;
        this.shared = new TraceBuffer(this, "other", -1, session.capacity());
    }

    public TraceSession session() {
        return session;
    }

    /** The runtime's name. */
    public String name() {
        return name;
    }

    /** The runtime's position in the recording (its process id in the file). */
    public int index() {
        return index;
    }

    /** Procs when the recording began (the file makes a track for each P seen as well). */
    public int procs() {
        return procs;
    }

    /** The buffer of threads that are not this runtime's carriers; write with {@code addShared}. */
    public TraceBuffer shared() {
        return shared;
    }

    /** A new buffer for carrier {@code mid}; called once per carrier and recording. */
    public synchronized TraceBuffer newCarrierBuffer(int mid) {
        TraceBuffer b = new TraceBuffer(this, "M" + mid, mid, session.capacity());
        carriers.add(b);
        return b;
    }

    /** The carriers' buffers and the shared one (a copy). */
    public synchronized List<TraceBuffer> buffers() {
        List<TraceBuffer> all = new ArrayList<>(carriers);
        all.add(shared);
        return all;
    }

    void detach() {
        detach.accept(this);
    }
}
