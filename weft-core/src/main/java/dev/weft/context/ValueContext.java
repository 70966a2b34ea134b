package dev.weft.context;

/**
 * A context that adds one key-value pair (Go's {@code valueCtx}); everything else, cancellation
 * included, is its nearest cancellable ancestor's. Immutable.
 */
final class ValueContext extends Context {
    final Object key;
    final Object value;
    private final CancelContext cancellable;

    ValueContext(Context parent, Object key, Object value) {
        super(parent);
        this.key = key;
        this.value = value;
        this.cancellable = parent.nearestCancellable();
    }

    @Override
    CancelContext nearestCancellable() {
        return cancellable;
    }

    /** Names the key and only the value's type: values may be secrets, or expensive to print. */
    @Override
    void appendDerivation(StringBuilder b) {
        b.append(".withValue(").append(key).append(", ").append(value.getClass().getSimpleName()).append(')');
    }
}
