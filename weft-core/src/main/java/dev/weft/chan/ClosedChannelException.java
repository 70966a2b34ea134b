package dev.weft.chan;

/**
 * Misuse of a closed channel, Go's panics "send on closed channel" and "close of closed
 * channel". An {@link IllegalStateException}: the program broke the rule that only a channel's
 * last sender closes it, once.
 */
public final class ClosedChannelException extends IllegalStateException {
    ClosedChannelException(String message) {
        super(message);
    }

    static ClosedChannelException send() {
        return new ClosedChannelException("send on closed channel");
    }

    static ClosedChannelException close() {
        return new ClosedChannelException("close of closed channel");
    }
}
