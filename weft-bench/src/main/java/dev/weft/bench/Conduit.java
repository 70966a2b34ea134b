package dev.weft.bench;

import dev.weft.chan.Chan;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * A blocking conduit of values between threads, so one workload's code runs over a weft
 * {@link Chan} (weft) or the nearest JDK {@link BlockingQueue} (virtual threads on the default
 * scheduler). Each JMH fork uses one peer only, so the call sites stay monomorphic.
 */
abstract class Conduit {
    /** Blocks until the value is taken (unbuffered) or buffered. */
    abstract void put(Object v);

    /** Blocks until a value comes; null once {@link #closeFor} has ended the stream. */
    abstract Object take();

    /**
     * Ends the stream for {@code consumers} consumers: weft closes the channel; a queue gets one
     * poison value per consumer.
     */
    abstract void closeFor(int consumers);

    /** An unbuffered conduit: weft {@code Chan.make()}, else a {@link SynchronousQueue}. */
    static Conduit unbuffered(String peer) {
        return peer.startsWith("weft") ? new OfChan(Chan.make()) : new OfQueue(new SynchronousQueue<>());
    }

    /** A buffered conduit: weft {@code Chan.make(cap)}, else a {@link LinkedBlockingQueue}{@code (cap)}. */
    static Conduit buffered(String peer, int cap) {
        return peer.startsWith("weft") ? new OfChan(Chan.make(cap)) : new OfQueue(new LinkedBlockingQueue<>(cap));
    }

    /** Like {@link #buffered} with an {@link ArrayBlockingQueue} for the JDK. */
    static Conduit array(String peer, int cap) {
        return peer.startsWith("weft") ? new OfChan(Chan.make(cap)) : new OfQueue(new ArrayBlockingQueue<>(cap));
    }

    static final class OfChan extends Conduit {
        private final Chan<Object> ch;

        OfChan(Chan<Object> ch) {
            this.ch = ch;
        }

        @Override
        void put(Object v) {
            ch.send(v);
        }

        @Override
        Object take() {
            return ch.recv();
        }

        @Override
        void closeFor(int consumers) {
            ch.close();
        }
    }

    static final class OfQueue extends Conduit {
        private static final Object POISON = new Object();
        private final BlockingQueue<Object> q;

        OfQueue(BlockingQueue<Object> q) {
            this.q = q;
        }

        @Override
        void put(Object v) {
            try {
                q.put(v);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        Object take() {
            try {
                Object v = q.take();
                return v == POISON ? null : v;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void closeFor(int consumers) {
            for (int i = 0; i < consumers; i++) {
                put(POISON);
            }
        }
    }
}
