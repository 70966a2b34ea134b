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

    /**
     * Carrier buffers per runtime and recording at most: memory stays bounded (at the default
     * size, 2 MiB each) even where blocking calls made thousands of carriers; the carriers past
     * the cap write the shared buffer (their starts name them, so the writer still pairs their
     * runs and gives them tracks).
     */
    public static final int MAX_CARRIER_BUFFERS = 256;

    /**
     * A new buffer for carrier {@code mid}, called once per carrier and recording; past
     * {@link #MAX_CARRIER_BUFFERS}, the shared buffer (whose writers lock it: see its mid, -1).
     */
    public synchronized TraceBuffer newCarrierBuffer(int mid) {
        if (carriers.size() >= MAX_CARRIER_BUFFERS) {
            return shared;
        }
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

    /**
     * The runtime's carriers have stopped (it closed while the recording runs): its buffers keep
     * only what was written, the shared one with a stage's room for late events from other
     * threads (see {@link TraceBuffer#compact}).
     */
    public void compact() {
        for (TraceBuffer b : buffers()) {
            b.compact(b == shared ? TraceBuffer.STAGE_WORDS : 0);
        }
    }

    void detach() {
        detach.accept(this);
    }
}
